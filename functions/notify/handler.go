package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
)

// notifier delivers the hand-offs of a batch from a tier queue to the
// tier's channels (desk.Notify), which records each delivery on the
// ticket's timeline, so a redelivered message pages nobody twice.
type notifier struct {
	desk *desk.Service
	log  *slog.Logger
}

// handle delivers every message of a batch at once, so that one slow
// channel does not hold up the others, and reports the messages that
// failed (ReportBatchItemFailures): they stay on the queue, come back
// after the visibility timeout, and after the queue's maxReceiveCount go
// to its dead-letter queue, whose alarm tells the operators. A body that
// is not a notice fails the same way and ends there too. ctx carries the
// invocation's deadline, and desk.Notify cuts a hanging delivery off in
// time to record the others and answer: a handler that timed out would
// fail the whole batch.
func (n *notifier) handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, m := range ev.Records {
		wg.Go(func() {
			if err := n.deliver(ctx, m); err != nil {
				n.log.Warn("hand-off not delivered; it stays on its queue", "message", m.MessageId, "receive_count", m.Attributes["ApproximateReceiveCount"], "err", err)
				mu.Lock()
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return resp, nil
}

func (n *notifier) deliver(ctx context.Context, m events.SQSMessage) error {
	notice, err := sqsqueue.Decode(m.Body)
	if err != nil {
		return fmt.Errorf("message %s: %w", m.MessageId, err)
	}
	return n.desk.Notify(ctx, notice)
}
