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
				continue // there may be more
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

// work delivers the hand-offs of one tier queue, a batch at a time, each
// notice of a batch concurrently so one slow channel does not hold up the
// rest. A notice that fails stays on the queue and comes back after the
// visibility timeout; after too many tries it goes to the dead letters.
func (m *Main) work(ctx context.Context, tier ticket.Tier) {
	for ctx.Err() == nil {
		batch, err := m.queue.Receive(ctx, tier, 10, 5*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				m.Log.Error("tier queue receive failed", "tier", tier.String(), "err", err)
				time.Sleep(time.Second)
			}
			continue
		}
		done := make([]queue.Delivery, 0, len(batch))
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, d := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if m.deliver(ctx, d) {
					mu.Lock()
					done = append(done, d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if err := m.queue.Delete(ctx, done...); err != nil {
			m.Log.Warn("tier queue delete failed; these notices may be delivered again", "tier", tier.String(), "count", len(done), "err", err)
		}
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
