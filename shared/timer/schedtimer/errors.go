package schedtimer

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/tierline/tierline/shared/awserr"
	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code, after the SDK's own
// retries: throttling, a full schedule quota (deletions and completed
// schedules free it), server errors and no answer at all are Unavailable
// (dispatch retries the stream record, the escalate function's invocation
// is retried); anything else, a missing group or a refused request, is
// Internal.
func classify(err error, doing string) error {
	if awserr.Transient(err, "ThrottlingException", "ServiceQuotaExceededException", "InternalServerException") {
		return ticket.Wrap(ticket.Unavailable, err, "schedtimer: "+doing)
	}
	return ticket.Wrap(ticket.Internal, err, "schedtimer: "+doing)
}

// Retryer is the retryer for the Scheduler client: the SDK's standard one
// (it retries ThrottlingException with jittered exponential backoff) with
// more attempts and a longer backoff, so that a burst of timers waits for
// Scheduler's request rate instead of failing a dispatch batch, and no
// client-side retry quota, which a burst of throttled requests from
// Concurrency goroutines would otherwise run dry in a few round trips.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 8
		o.MaxBackoff = 5 * time.Second
		o.RateLimiter = ratelimit.None
	})
}
