package localtimer

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// Run runs step for every due timer until ctx ends, sleeping until the
// earliest timer is due or a new one starts.
func (t *Timer) Run(ctx context.Context, step Step) error {
	for {
		wake := t.waiter()
		n, err := t.Tick(ctx, step)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			t.opts.Log.Error("escalation timers: tick failed", "err", err)
		}
		if n > 0 {
			continue // there may be more due than one tick takes
		}
		sleep := time.Minute
		if next, ok, err := t.nextDue(ctx); err == nil && ok {
			sleep = max(0, next.Sub(t.opts.Now()))
		}
		timer := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// tickSize bounds the timers one Tick runs.
const tickSize = 256

// Tick runs step for the timers due as of Now, up to Parallel at a time,
// and records what each step said: the next due time, done, or a retry
// after a failure. It returns how many timers it ran.
func (t *Timer) Tick(ctx context.Context, step Step) (int, error) {
	due, err := t.due(ctx)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	type result struct {
		next time.Time
		done bool
	}
	results := make([]result, len(due))
	sem := make(chan struct{}, t.opts.Parallel)
	var wg sync.WaitGroup
	for i, w := range due {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			next, done, err := step(ctx, w)
			if err != nil {
				t.opts.Log.Warn("escalation step failed; retrying", "ticket", w.TicketID, "clock", w.Clock,
					"retry_in", t.opts.RetryAfter, "err", err)
				next, done = t.opts.Now().Add(t.opts.RetryAfter), false
			}
			results[i] = result{next, done}
		}()
	}
	wg.Wait()
	err = t.db.Write(ctx, func(tx *localdb.Tx) error {
		for i, w := range due {
			var err error
			if results[i].done {
				_, err = tx.Exec(finishTimer, w.TicketID, w.Clock, w.At.UnixMilli())
			} else {
				_, err = tx.Exec(rescheduleTimer, results[i].next.UnixMilli(), w.TicketID, w.Clock, w.At.UnixMilli())
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, ticket.Wrap(ticket.Unavailable, err, "localtimer: record steps")
	}
	return len(due), nil
}

func (t *Timer) due(ctx context.Context) ([]ticket.Wake, error) {
	rows, err := t.db.Reader().QueryContext(ctx,
		"SELECT ticket_id, clock, due_at FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?",
		t.opts.Now().UnixMilli(), tickSize)
	if err != nil {
		return nil, ticket.Wrap(ticket.Unavailable, err, "localtimer: due timers")
	}
	defer rows.Close()
	var out []ticket.Wake
	for rows.Next() {
		var w ticket.Wake
		var at int64
		if err := rows.Scan(&w.TicketID, &w.Clock, &at); err != nil {
			return nil, err
		}
		w.At = time.UnixMilli(at).UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

func (t *Timer) nextDue(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	err := t.db.Reader().QueryRowContext(ctx, "SELECT MIN(due_at) FROM timers").Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, false, err
	}
	return time.UnixMilli(at.Int64), true, nil
}
