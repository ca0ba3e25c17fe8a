package main

import (
	"context"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/ticket"
)

// dispatch moves outbox rows to the tier queues and timers, as the
// dispatch function does with the DynamoDB stream. A row is deleted only
// after its effects are durable; after a failure the same rows are tried
// again, which the queue and the timers absorb.
func (m *Main) dispatch(ctx context.Context) {
	for ctx.Err() == nil {
		entries, err := m.store.Outbox(ctx, 256)
		if err == nil && len(entries) > 0 {
			changes := make([]ticket.Change, len(entries))
			seqs := make([]int64, len(entries))
			for i, e := range entries {
				changes[i], seqs[i] = e.Change, e.Seq
			}
			if err = m.desk.Dispatch(ctx, changes...); err == nil {
				err = m.store.Dispatched(ctx, seqs...)
			}
			if err == nil {
				m.counted(changes) // once: a row is counted only when it is gone from the outbox
				continue           // there may be more
			}
		}
		if err != nil && ctx.Err() == nil {
			m.Log.Error("dispatch failed; retrying", "err", err)
		}
		wait := time.Second
		if err != nil {
			wait = 2 * time.Second
		}
		select {
		case <-ctx.Done():
		case <-m.store.Changes():
		case <-time.After(wait):
		}
	}
}

// receiveBatch is the most a busy tier worker receives at once, free slots
// permitting. Each receive is a write, which waits for its group commit's
// fsync; SQS's 10 per receive would cap a burst at 10 per fsync.
const receiveBatch = 100

// work delivers the hand-offs of one tier queue. It keeps receiving while
// deliveries are in flight, as many as m.slots allows for the tier and
// overall, and deletes each notice from the queue as soon as it is
// delivered, so that a burst is not paged ten at a time, each ten waiting
// for the slowest. A notice that fails stays on the queue and comes back
// after the visibility timeout; after too many tries it goes to the dead
// letters. An idle tier waits on its queue keeping one slot, so that its
// next page never waits behind a burst at another tier. work returns once
// ctx ends and its deliveries in flight have.
func (m *Main) work(ctx context.Context, tier ticket.Tier) {
	var inflight sync.WaitGroup
	defer inflight.Wait()
	held, want := 0, 1
	defer func() { m.slots.give(tier, held) }()
	for ctx.Err() == nil {
		if held < want {
			if held += m.slots.take(ctx, tier, want-held, held == 0); held == 0 {
				return
			}
		}
		batch, err := m.queue.Receive(ctx, tier, held, 5*time.Second)
		if want = 1; err == nil && len(batch) == held {
			want = receiveBatch // busy: the queue may hold more
		}
		held -= len(batch) // each slot goes with its delivery
		if held > want {
			m.slots.give(tier, held-want)
			held = want
		}
		if err != nil {
			if ctx.Err() == nil {
				m.Log.Error("tier queue receive failed", "tier", tier.String(), "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		for _, d := range batch {
			inflight.Go(func() {
				defer m.slots.give(tier, 1)
				m.handle(ctx, d)
			})
		}
	}
}

// handle delivers one notice within its visibility timeout, so that it is
// not received a second time while the first delivery is still going on,
// and deletes it from its queue once it is done with. The delete outlives
// a shutdown: a notice delivered but not deleted is delivered again at the
// next start, which pages nobody but costs a read.
func (m *Main) handle(ctx context.Context, d queue.Delivery) {
	nctx, cancel := context.WithTimeout(ctx, m.Visibility)
	done := m.deliver(nctx, d)
	cancel()
	if !done {
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := m.queue.Delete(dctx, d); err != nil {
		m.Log.Warn("tier queue delete failed; this notice may be delivered again", "ticket", d.Notice.TicketID,
			"tier", d.Notice.Tier.String(), "notice", d.Notice.Seq, "err", err)
	}
}

// deliver hands one notice to the desk and says whether it is done with.
func (m *Main) deliver(ctx context.Context, d queue.Delivery) bool {
	if err := m.desk.Notify(ctx, d.Notice); err != nil {
		m.Log.Warn("hand-off delivery failed; it will be retried", "ticket", d.Notice.TicketID,
			"tier", d.Notice.Tier.String(), "notice", d.Notice.Seq, "attempt", d.Attempt, "err", err)
		return false
	}
	return true
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
