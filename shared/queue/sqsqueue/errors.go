package sqsqueue

import (
	"github.com/tierline/tierline/shared/awserr"
	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code, after the SDK's own
// retries: throttling and server errors, and no answer at all, are
// Unavailable (try again later); anything else, a missing queue or a
// refused request, is Internal (misconfiguration or a bug).
func classify(err error, doing string) error {
	if awserr.Transient(err, "RequestThrottled", "ThrottlingException", "KmsThrottled", "AWS.SimpleQueueService.RequestThrottled", "OverLimit") {
		return ticket.Wrap(ticket.Unavailable, err, "sqsqueue: "+doing)
	}
	return ticket.Wrap(ticket.Internal, err, "sqsqueue: "+doing)
}
