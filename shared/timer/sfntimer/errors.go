package sfntimer

import (
	"context"
	"errors"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code, after the SDK's own
// retries: throttling (StartExecution refills at 300/s), too many open
// executions, server errors and no answer at all are Unavailable (dispatch
// retries the stream record); anything else, a missing state machine or a
// refused name or input, is Internal.
func classify(err error, doing string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ticket.Wrap(ticket.Unavailable, err, "sfntimer: "+doing+": no answer in time")
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return ticket.Wrap(ticket.Unavailable, err, "sfntimer: "+doing)
	}
	var re *awshttp.ResponseError
	if api.ErrorFault() == smithy.FaultServer || errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError {
		return ticket.Wrap(ticket.Unavailable, err, "sfntimer: "+doing)
	}
	switch api.ErrorCode() {
	case "ThrottlingException", "ExecutionLimitExceeded", "KmsThrottlingException", "ServiceQuotaExceededException":
		return ticket.Wrap(ticket.Unavailable, err, "sfntimer: "+doing)
	}
	return ticket.Wrap(ticket.Internal, err, "sfntimer: "+doing)
}
