package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/shared/ticket"
)

// How long dispatch keeps retrying a failing record before it parks it.
// The stream keeps a record 24 hours and Lambda retries it until then
// (MaximumRetryAttempts -1), so without parking a record that never
// succeeds would block its shard for a day and then vanish. Instead:
//
//   - a record retrying cannot cure (images that do not decode, a change
//     refused as invalid, a panic) is parked at once;
//   - one failing with a bug or a misconfiguration (a missing queue, a
//     refused permission: ticket.Internal) is retried parkInternal after
//     it was written, long enough for a fixing deploy to let it through;
//   - one failing with an outage (ticket.Unavailable) is retried until
//     parkUnavailable, leaving half the stream's retention to park it.
//
// Parked records are not lost: the parking queue keeps them 14 days, its
// alarm tells the operators, replay dispatches them again, and the
// sweeper repairs the open tickets they were about in the meantime.
const (
	parkInternal    = 15 * time.Minute
	parkUnavailable = 12 * time.Hour
)

// maxParked is the largest message the parking queue takes (its
// MaximumMessageSize in template.yaml, SQS's limit).
const maxParked = 1 << 20

// parks reports whether a record that failed with err is to be parked
// rather than retried, by its error and its age.
func (d *dispatcher) parks(r record, err error) bool {
	age := d.clock().Sub(r.raw.Change.ApproximateCreationDateTime.Time)
	var p *panicked
	switch code := ticket.ErrorCode(err); {
	case errors.As(err, &p), code == ticket.Malformed, code == ticket.Invalid, code == ticket.TooLarge:
		return true
	case code == ticket.Unavailable:
		return age >= parkUnavailable
	default:
		return age >= parkInternal
	}
}

// parking is the queue of stream records dispatch gave up on, each kept
// whole: the record as Lambda delivered it, images and all, so that replay
// needs nothing but the message.
type parking struct {
	sqs *sqs.Client
	url string
}

// Message attributes of a parked record, for the operator reading the
// queue in the console.
const (
	attrReason   = "reason"
	attrTicket   = "ticket_id"
	attrSequence = "sequence_number"
	attrTrimmed  = "trimmed"
)

// park sends rec to the parking queue with why it failed. A record too
// large for one message loses its old image, after which it asks for
// everything its new image does (a hand-off, a timer), which queues and
// timers absorb when it was done already.
func (p *parking) park(ctx context.Context, rec events.DynamoDBEventRecord, reason error) error {
	if p == nil || p.url == "" {
		return errors.New("no parking queue")
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record %s: %w", rec.Change.SequenceNumber, err)
	}
	attrs := map[string]sqstypes.MessageAttributeValue{
		attrReason:   text(truncate(reason.Error(), 1024)),
		attrSequence: text(rec.Change.SequenceNumber),
	}
	if id := ticketOf(rec.Change.Keys); id != "" {
		attrs[attrTicket] = text(id)
	}
	if len(body) > maxParked-4096 && len(rec.Change.NewImage) > 0 {
		attrs[attrTrimmed] = text(fmt.Sprintf("old image dropped: the record is %d bytes", len(body)))
		rec.Change.OldImage = nil
		if body, err = json.Marshal(rec); err != nil {
			return fmt.Errorf("encode record %s: %w", rec.Change.SequenceNumber, err)
		}
	}
	_, err = p.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(p.url), MessageBody: aws.String(string(body)),
		MessageAttributes: attrs})
	if err != nil {
		return fmt.Errorf("park record %s: %w", rec.Change.SequenceNumber, err)
	}
	return nil
}

func text(s string) sqstypes.MessageAttributeValue {
	return sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(s)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// panicked is a panic while dispatching, caught so that it parks its
// record instead of failing the invocation until the record expires.
type panicked struct {
	what  string
	value any
	stack []byte
}

func (p *panicked) Error() string { return fmt.Sprintf("%s: panic: %v\n%s", p.what, p.value, p.stack) }

// recoverAs turns a panic into *err; use it deferred.
func recoverAs(err *error, what string) {
	if v := recover(); v != nil {
		*err = &panicked{what: what, value: v, stack: debug.Stack()}
	}
}
