// Package sqsqueue is the tier-queue port on Amazon SQS: one standard queue
// per tier, each with a dead-letter queue. The adapter takes a built client
// and the queue URLs; the visibility timeout and the redrive policy
// (maxReceiveCount) are attributes of the queues, set by the template.
//
// A message is a small JSON pointer to a hand-off (see Encode), sent in
// batches of at most ten; received with long polling; deleted in batches.
// Partial batch failures come back as errors that name the notices that
// failed, so that nothing is dropped silently.
package sqsqueue

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/ticket"
)

var _ queue.Queue = (*Queue)(nil)

// SQS's limits on one call.
const (
	maxBatch   = 10 // entries of SendMessageBatch and DeleteMessageBatch, messages of one receive
	maxWaitSec = 20 // seconds of long polling
)

// Queue is a queue.Queue on one SQS queue per tier.
type Queue struct {
	client *sqs.Client
	urls   map[ticket.Tier]string
}

// New returns a Queue sending each tier's notices to urls[tier].
func New(client *sqs.Client, urls map[ticket.Tier]string) *Queue {
	return &Queue{client: client, urls: urls}
}

func (q *Queue) url(tier ticket.Tier) (*string, error) {
	u, ok := q.urls[tier]
	if !ok || u == "" {
		return nil, ticket.Errorf(ticket.Internal, "sqsqueue: no queue URL for tier %v", tier)
	}
	return aws.String(u), nil
}

// Send puts each notice on its tier's queue, in SendMessageBatch calls of
// at most ten. It returns an error naming every notice that was not
// accepted; the others are queued.
func (q *Queue) Send(ctx context.Context, notices ...ticket.Notice) error {
	for _, n := range notices {
		if !n.Tier.Valid() {
			return ticket.Errorf(ticket.Internal, "sqsqueue: notice %s has no tier", n.Key())
		}
	}
	var failed []string
	for _, tier := range ticket.Tiers {
		var batch []ticket.Notice
		for _, n := range notices {
			if n.Tier == tier {
				batch = append(batch, n)
			}
		}
		for len(batch) > 0 {
			part := batch[:min(maxBatch, len(batch))]
			batch = batch[len(part):]
			f, err := q.sendBatch(ctx, tier, part)
			if err != nil {
				return err
			}
			failed = append(failed, f...)
		}
	}
	if len(failed) > 0 {
		return ticket.Errorf(ticket.Unavailable, "sqsqueue: %d of %d notices not sent: %s", len(failed), len(notices), strings.Join(failed, "; "))
	}
	return nil
}

// sendBatch sends up to ten notices of one tier and returns the notices
// SQS refused, each with its reason.
func (q *Queue) sendBatch(ctx context.Context, tier ticket.Tier, ns []ticket.Notice) ([]string, error) {
	url, err := q.url(tier)
	if err != nil {
		return nil, err
	}
	entries := make([]types.SendMessageBatchRequestEntry, len(ns))
	for i, n := range ns {
		entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(Encode(n))}
	}
	out, err := q.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
	if err != nil {
		return nil, classify(err, fmt.Sprintf("send %d notices to %s", len(ns), tier))
	}
	return failures(out.Failed, func(i int) string { return ns[i].Key() }, len(ns)), nil
}

// Receive takes up to limit (at most ten) messages from tier's queue, long
// polling for up to wait, rounded to whole seconds (at most 20; under half
// a second is a short poll). Attempt is the message's receive count.
// Bodies that do not decode are left to the redrive policy, which moves
// them to the dead-letter queue after the queue's maxReceiveCount.
func (q *Queue) Receive(ctx context.Context, tier ticket.Tier, limit int, wait time.Duration) ([]queue.Delivery, error) {
	url, err := q.url(tier)
	if err != nil {
		return nil, err
	}
	out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    url,
		MaxNumberOfMessages:         int32(min(max(limit, 1), maxBatch)),
		WaitTimeSeconds:             waitSeconds(wait),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	})
	if err != nil {
		return nil, classify(err, "receive from "+tier.String())
	}
	ds := make([]queue.Delivery, 0, len(out.Messages))
	for _, m := range out.Messages {
		n, err := Decode(aws.ToString(m.Body))
		if err != nil {
			continue
		}
		attempt, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
		ds = append(ds, queue.Delivery{Notice: n, Receipt: aws.ToString(m.ReceiptHandle), Attempt: max(attempt, 1)})
	}
	return ds, nil
}

// waitSeconds is WaitTimeSeconds for a wait: rounded to whole seconds,
// between 0 and 20.
func waitSeconds(wait time.Duration) int32 {
	return int32(min(max(math.Round(wait.Seconds()), 0), maxWaitSec))
}

// Delete removes handled messages, in DeleteMessageBatch calls of at most
// ten per tier. It returns an error naming every message not deleted
// (which will then be delivered again).
func (q *Queue) Delete(ctx context.Context, ds ...queue.Delivery) error {
	var failed []string
	for _, tier := range ticket.Tiers {
		var batch []queue.Delivery
		for _, d := range ds {
			if d.Notice.Tier == tier {
				batch = append(batch, d)
			}
		}
		for len(batch) > 0 {
			part := batch[:min(maxBatch, len(batch))]
			batch = batch[len(part):]
			f, err := q.deleteBatch(ctx, tier, part)
			if err != nil {
				return err
			}
			failed = append(failed, f...)
		}
	}
	if len(failed) > 0 {
		return ticket.Errorf(ticket.Unavailable, "sqsqueue: %d of %d messages not deleted: %s", len(failed), len(ds), strings.Join(failed, "; "))
	}
	return nil
}

func (q *Queue) deleteBatch(ctx context.Context, tier ticket.Tier, ds []queue.Delivery) ([]string, error) {
	url, err := q.url(tier)
	if err != nil {
		return nil, err
	}
	entries := make([]types.DeleteMessageBatchRequestEntry, len(ds))
	for i, d := range ds {
		entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(d.Receipt)}
	}
	out, err := q.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: entries})
	if err != nil {
		return nil, classify(err, fmt.Sprintf("delete %d messages from %s", len(ds), tier))
	}
	return failures(out.Failed, func(i int) string { return ds[i].Notice.Key() }, len(ds)), nil
}

// failures names the failed entries of a batch call by what they carried
// (the entry IDs are their indexes), with SQS's code and message.
func failures(failed []types.BatchResultErrorEntry, name func(int) string, n int) []string {
	out := make([]string, 0, len(failed))
	for _, f := range failed {
		what := "entry " + aws.ToString(f.Id)
		if i, err := strconv.Atoi(aws.ToString(f.Id)); err == nil && i >= 0 && i < n {
			what = name(i)
		}
		out = append(out, fmt.Sprintf("%s: %s %s", what, aws.ToString(f.Code), aws.ToString(f.Message)))
	}
	return out
}
