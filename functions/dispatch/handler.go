package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// dispatcher turns batches of the tickets table's stream into hand-offs on
// the tier queues and escalation timers started and stopped (desk.Dispatch),
// and purges the timeline of a ticket whose head TTL removed. The stream is
// the outbox: a ticket stored is a record here, so nothing accepted is lost
// between "stored" and "queued". A record that cannot be dispatched is
// parked whole (park.go) rather than left to expire from the stream, and
// replay (replay.go) feeds parked records back through the same path.
type dispatcher struct {
	desk    *desk.Service
	purge   func(ctx context.Context, id string) error // dynamo.Store.Purge
	parking *parking
	stage   string // the stack's Stage, the metrics' dimension
	log     *slog.Logger
	now     func() time.Time // default time.Now
}

// record is one stream record as dispatch reads it.
type record struct {
	raw    events.DynamoDBEventRecord // as Lambda delivered it: what parking keeps
	seq    string                     // the sequence number, how a failure is reported
	id     string                     // the ticket the record is about, from its keys; "" if none
	change ticket.Change
	ticket bool  // false: not a ticket head (the ESM filter lets none through, but be sure)
	err    error // the images could not be read
}

// invocation is what the function is invoked with: a batch of the stream
// (Records), or a request to replay parked records ({"replay": {…}}).
type invocation struct {
	events.DynamoDBEvent
	Replay *replayRequest `json:"replay,omitempty"`
}

// invoke routes an invocation to the stream handler or to replay.
func (d *dispatcher) invoke(ctx context.Context, in invocation) (any, error) {
	if in.Replay != nil {
		if len(in.Records) > 0 {
			return nil, fmt.Errorf("an invocation is a stream batch (Records) or a replay request, not both")
		}
		return d.replay(ctx, *in.Replay)
	}
	return d.handle(ctx, in.DynamoDBEvent)
}

// handle dispatches a batch. It first tries the whole batch at once, which
// batches the queue sends and lets a stop later in the batch cancel a start
// earlier in it; when that fails it goes record by record, in order. A
// record that fails and may still succeed is reported (the first one only):
// Lambda retries from it (ReportBatchItemFailures), redelivering the ones
// after it, and bisects the batch (BisectBatchOnFunctionError) if the whole
// invocation fails. A record that will not succeed is parked and counts as
// done, so that it holds up no other. Redoing a record is harmless: queues
// are read by a consumer that deduplicates, timers start and stop
// idempotently, purging is idempotent. The records done are logged as
// metrics (figures.go); the one reported and those after it are not, as
// Lambda delivers them again.
func (d *dispatcher) handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	recs := make([]record, len(ev.Records))
	for i, r := range ev.Records {
		recs[i] = read(r)
	}
	done := d.dispatch(ctx, recs)
	d.figures(ctx, recs[:done])
	if done == len(recs) {
		return events.DynamoDBEventResponse{}, nil
	}
	return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: recs[done].seq}}}, nil
}

// dispatch dispatches recs, the batch at once or else one by one, and
// returns how many of them are done: all, or up to the first that failed
// and was not parked.
func (d *dispatcher) dispatch(ctx context.Context, recs []record) int {
	if d.all(ctx, recs) == nil {
		return len(recs)
	}
	for i, r := range recs {
		err := d.one(ctx, r)
		if err == nil {
			continue
		}
		if d.parks(r, err) {
			if perr := d.parking.park(ctx, r.raw, err); perr == nil {
				d.log.ErrorContext(ctx, "stream record parked; replay it once the cause is fixed", "ticket", r.id, "sequence", r.seq, "err", err)
				continue
			} else {
				err = fmt.Errorf("%w; and parking it failed: %w", err, perr)
			}
		}
		d.log.ErrorContext(ctx, "stream record failed; Lambda retries from it", "ticket", r.id, "sequence", r.seq, "err", err)
		return i
	}
	return len(recs)
}

// read converts a record's images into a change.
func read(r events.DynamoDBEventRecord) record {
	rec := record{raw: r, seq: r.Change.SequenceNumber, id: ticketOf(r.Change.Keys)}
	old, err := image(r.Change.OldImage)
	if err != nil {
		rec.err = ticket.Wrap(ticket.Malformed, err, "old image")
		return rec
	}
	cur, err := image(r.Change.NewImage)
	if err != nil {
		rec.err = ticket.Wrap(ticket.Malformed, err, "new image")
		return rec
	}
	rec.change, rec.ticket, err = dynamo.ChangeFromImages(old, cur)
	if err != nil {
		rec.err = ticket.Wrap(ticket.Malformed, err, "the images are not a ticket")
	}
	return rec
}

// ticketOf reads the ticket ID from a record's keys ("T#<id>"), for logs.
func ticketOf(keys map[string]events.DynamoDBAttributeValue) string {
	pk, ok := keys["pk"]
	if !ok || pk.DataType() != events.DataTypeString {
		return ""
	}
	id, found := strings.CutPrefix(pk.String(), "T#")
	if !found {
		return ""
	}
	return id
}

// all dispatches every record of a batch in one go.
func (d *dispatcher) all(ctx context.Context, recs []record) (err error) {
	defer recoverAs(&err, "batch")
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

// one dispatches a single record: what the stream does for it after a
// batch failed, and what replay does for a parked one.
func (d *dispatcher) one(ctx context.Context, r record) (err error) {
	defer recoverAs(&err, "record "+r.seq)
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

func (d *dispatcher) clock() time.Time {
	if d.now != nil {
		return d.now()
	}
	return time.Now()
}
