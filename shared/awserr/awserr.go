// Package awserr reads the errors the AWS SDK returns, for the AWS
// adapters (store/dynamo, queue/sqsqueue, timer/schedtimer), which must each
// tell an outage worth retrying from a request that will never succeed.
package awserr

import (
	"context"
	"errors"
	"net/http"
	"slices"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Transient reports whether err, as the SDK returns it after its own
// retries, is worth trying again later: no answer in time, no answer at
// all (a connection that failed), a server fault or a 5xx, or one of the
// service's throttling codes given. Anything else is the request's fault:
// a missing resource, a refused input, a bug or a misconfiguration.
func Transient(err error, throttling ...string) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return true
	}
	if api.ErrorFault() == smithy.FaultServer || slices.Contains(throttling, api.ErrorCode()) {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError
}
