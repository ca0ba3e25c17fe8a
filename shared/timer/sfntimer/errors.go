package sfntimer

import (
	"github.com/tierline/tierline/shared/awserr"
	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code, after the SDK's own
// retries: throttling (StartExecution refills at 300/s), too many open
// executions, server errors and no answer at all are Unavailable (dispatch
// retries the stream record); anything else, a missing state machine or a
// refused name or input, is Internal.
func classify(err error, doing string) error {
	if awserr.Transient(err, "ThrottlingException", "ExecutionLimitExceeded", "KmsThrottlingException", "ServiceQuotaExceededException") {
		return ticket.Wrap(ticket.Unavailable, err, "sfntimer: "+doing)
	}
	return ticket.Wrap(ticket.Internal, err, "sfntimer: "+doing)
}
