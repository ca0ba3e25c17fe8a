package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// dispatcher turns batches of the tickets table's stream into hand-offs on
// the tier queues and escalation timers started and stopped (desk.Dispatch),
// and purges the timeline of a ticket whose head TTL removed. The stream is
// the outbox: a ticket stored is a record here, so nothing accepted is lost
// between "stored" and "queued".
type dispatcher struct {
	desk  *desk.Service
	purge func(ctx context.Context, id string) error // dynamo.Store.Purge
	log   *slog.Logger
}

// record is one stream record as dispatch reads it.
type record struct {
	seq    string // the sequence number, how a failure is reported
	change ticket.Change
	ticket bool  // false: not a ticket head (the ESM filter lets none through, but be sure)
	err    error // the images could not be read
}

// handle dispatches a batch. It first tries the whole batch at once, which
// batches the queue sends and lets a stop later in the batch cancel a start
// earlier in it; when that fails it goes record by record, in order, and
// reports the first record that fails. Lambda then retries from that
// record (ReportBatchItemFailures), redelivering the ones after it, and
// bisects the batch (BisectBatchOnFunctionError) if the whole invocation
// fails. Redoing a record is harmless: queues are read by a consumer that
// deduplicates, timers start and stop idempotently, purging is idempotent.
func (d *dispatcher) handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	recs := make([]record, len(ev.Records))
	for i, r := range ev.Records {
		recs[i] = read(r)
	}
	if d.all(ctx, recs) == nil {
		return events.DynamoDBEventResponse{}, nil
	}
	for _, r := range recs {
		if err := d.one(ctx, r); err != nil {
			d.log.Error("stream record failed; Lambda retries from it", "sequence", r.seq, "err", err)
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.seq}}}, nil
		}
	}
	return events.DynamoDBEventResponse{}, nil
}

// read converts a record's images into a change.
func read(r events.DynamoDBEventRecord) record {
	rec := record{seq: r.Change.SequenceNumber}
	old, err := image(r.Change.OldImage)
	if err != nil {
		rec.err = fmt.Errorf("old image: %w", err)
		return rec
	}
	cur, err := image(r.Change.NewImage)
	if err != nil {
		rec.err = fmt.Errorf("new image: %w", err)
		return rec
	}
	rec.change, rec.ticket, rec.err = dynamo.ChangeFromImages(old, cur)
	return rec
}

// all dispatches every record of a batch in one go.
func (d *dispatcher) all(ctx context.Context, recs []record) error {
	changes := make([]ticket.Change, 0, len(recs))
	for _, r := range recs {
		if r.err != nil {
			return r.err
		}
		if r.ticket {
			changes = append(changes, r.change)
		}
	}
	if err := d.desk.Dispatch(ctx, changes...); err != nil {
		return err
	}
	for _, r := range recs {
		if err := d.purgeGone(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// one dispatches a single record.
func (d *dispatcher) one(ctx context.Context, r record) error {
	switch {
	case r.err != nil:
		return fmt.Errorf("record %s: %w", r.seq, r.err)
	case !r.ticket:
		return nil
	}
	if err := d.desk.Dispatch(ctx, r.change); err != nil {
		return err
	}
	return d.purgeGone(ctx, r)
}

// purgeGone deletes the timeline of a ticket whose head was removed.
func (d *dispatcher) purgeGone(ctx context.Context, r record) error {
	if !r.ticket || r.change.New != nil || r.change.Old == nil {
		return nil
	}
	if err := d.purge(ctx, r.change.Old.ID); err != nil {
		return fmt.Errorf("purge ticket %s: %w", r.change.Old.ID, err)
	}
	return nil
}
