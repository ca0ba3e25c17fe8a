// Package queue defines the tier-queue port: one queue per tier carries
// hand-off notices from dispatch to the notifier. Adapters: queue/localqueue
// (the local runtime) and queue/sqsqueue (SQS); queuetest is their contract.
package queue

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Queue is a set of tier queues with at-least-once delivery.
//
// A received message stays hidden from other receivers until it is deleted
// or its visibility timeout passes, when it is delivered again with a higher
// Attempt. After the queue's maximum number of receives it moves to the
// tier's dead-letter queue instead. Consumers must therefore tolerate a
// notice more than once; the notifier does so by recording each delivery
// on the ticket's timeline.
type Queue interface {
	// Send puts each notice on its tier's queue.
	Send(ctx context.Context, notices ...ticket.Notice) error

	// Receive takes up to max messages from tier's queue, waiting up to
	// wait for the first one; it returns an empty slice when none came.
	Receive(ctx context.Context, tier ticket.Tier, max int, wait time.Duration) ([]Delivery, error)

	// Delete removes messages that were handled.
	Delete(ctx context.Context, ds ...Delivery) error
}

// Delivery is one received message.
type Delivery struct {
	Notice  ticket.Notice
	Receipt string // adapter's handle for Delete
	Attempt int    // 1 on first delivery
}
