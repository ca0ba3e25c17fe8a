package sqsqueue

import (
	"context"
	"errors"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code, after the SDK's own
// retries: throttling and server errors, and no answer at all, are
// Unavailable (try again later); anything else, a missing queue or a
// refused request, is Internal (misconfiguration or a bug).
func classify(err error, doing string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ticket.Wrap(ticket.Unavailable, err, "sqsqueue: "+doing+": no answer in time")
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return ticket.Wrap(ticket.Unavailable, err, "sqsqueue: "+doing)
	}
	var re *awshttp.ResponseError
	if api.ErrorFault() == smithy.FaultServer || errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError {
		return ticket.Wrap(ticket.Unavailable, err, "sqsqueue: "+doing)
	}
	switch api.ErrorCode() {
	case "RequestThrottled", "ThrottlingException", "KmsThrottled", "AWS.SimpleQueueService.RequestThrottled", "OverLimit":
		return ticket.Wrap(ticket.Unavailable, err, "sqsqueue: "+doing)
	}
	return ticket.Wrap(ticket.Internal, err, "sqsqueue: "+doing)
}
