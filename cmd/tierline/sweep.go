package main

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/queue/localqueue"
	"github.com/tierline/tierline/shared/ticket"
)

// sweepEvery is how often the local runtime sweeps its dead letters.
const sweepEvery = time.Minute

// sweep is the local runtime's part of the sweep that repairs lost work on
// AWS (desk.Sweep). Locally the outbox, the queues and the timers are rows
// of one database that nothing expires, so the only work that can go
// missing is a hand-off that failed every delivery and went to the dead
// letters. Every minute the ticket of each is swept: its hand-off is sent
// again, with the sweep's backoff, while no delivery is recorded.
func (m *Main) sweep(ctx context.Context) {
	tick := time.NewTicker(sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := sweepDeadLetters(ctx, m.queue, m.desk)
		switch {
		case err != nil && ctx.Err() == nil:
			m.Log.Error("sweep of the dead letters failed; retrying in a minute", "err", err)
		case n > 0:
			m.Log.Warn("sweep sent hand-offs of the dead letters again", "count", n)
		}
	}
}

// sweepDeadLetters sweeps the ticket of each dead-lettered hand-off once
// and returns how many hand-offs it sent again.
func sweepDeadLetters(ctx context.Context, q *localqueue.Queue, d *desk.Service) (int, error) {
	resent := 0
	seen := map[string]bool{}
	for _, tier := range ticket.Tiers {
		dead, err := q.DeadLetters(ctx, tier)
		if err != nil {
			return resent, err
		}
		for _, n := range dead {
			if seen[n.TicketID] {
				continue
			}
			seen[n.TicketID] = true
			r, err := d.Sweep(ctx, n.TicketID)
			if err != nil {
				return resent, err
			}
			if r.Resent != 0 {
				resent++
			}
		}
	}
	return resent, nil
}
