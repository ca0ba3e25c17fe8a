// Package localtimer is the local twin of the EventBridge Scheduler
// escalation timers: one row per ticket and clock generation in the
// embedded database, and a loop that runs the escalation step of every due
// row, the way a one-time schedule invokes the escalate function at its
// deadline.
// Rows survive a restart, so a deadline that passed while the program was
// down is acted on at the next start.
package localtimer

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
)

var _ timer.Timer = (*Timer)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS timers (
	ticket_id TEXT NOT NULL,
	clock     INTEGER NOT NULL,
	due_at    INTEGER NOT NULL,
	PRIMARY KEY (ticket_id, clock)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS timers_due ON timers (due_at);`

const (
	insertTimer     = "INSERT INTO timers (ticket_id, clock, due_at) VALUES (?, ?, ?) ON CONFLICT (ticket_id, clock) DO NOTHING"
	deleteTimer     = "DELETE FROM timers WHERE ticket_id = ? AND clock = ?"
	rescheduleTimer = "UPDATE timers SET due_at = ? WHERE ticket_id = ? AND clock = ? AND due_at = ?"
	finishTimer     = "DELETE FROM timers WHERE ticket_id = ? AND clock = ? AND due_at = ?"
)

// Step runs the escalation step for a wake and says when to run it next,
// or that the timer is done. desk.Service.Advance is the Step.
type Step func(ctx context.Context, w ticket.Wake) (next time.Time, done bool, err error)

// Options configure a Timer.
type Options struct {
	Now        func() time.Time // default time.Now
	RetryAfter time.Duration    // how long a failed step waits before it runs again; default 5s
	Parallel   int              // steps run at once; default 8
	Log        *slog.Logger     // default slog.Default()
}

// Timer is a timer.Timer on the embedded database.
type Timer struct {
	db   *localdb.DB
	opts Options
	mu   sync.Mutex
	wake chan struct{}
}

// New creates the timers table in db if needed.
func New(ctx context.Context, db *localdb.DB, opts Options) (*Timer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 5 * time.Second
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	err := db.Write(ctx, func(tx *localdb.Tx) error {
		_, err := tx.Exec(schema)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("localtimer: create table: %w", err)
	}
	if err := db.Prepare(insertTimer, deleteTimer, rescheduleTimer, finishTimer); err != nil {
		return nil, fmt.Errorf("localtimer: %w", err)
	}
	return &Timer{db: db, opts: opts, wake: make(chan struct{})}, nil
}

// Start adds a timer for each wake; a timer already running keeps its time.
func (t *Timer) Start(ctx context.Context, wakes ...ticket.Wake) error {
	if len(wakes) == 0 {
		return nil
	}
	err := t.db.Write(ctx, func(tx *localdb.Tx) error {
		for _, w := range wakes {
			if _, err := tx.Exec(insertTimer, w.TicketID, w.Clock, w.At.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ticket.Wrap(ticket.Unavailable, err, "localtimer: start")
	}
	t.signal()
	return nil
}

// Stop removes the timers of these wakes.
func (t *Timer) Stop(ctx context.Context, wakes ...ticket.Wake) error {
	err := t.db.Write(ctx, func(tx *localdb.Tx) error {
		for _, w := range wakes {
			if _, err := tx.Exec(deleteTimer, w.TicketID, w.Clock); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ticket.Wrap(ticket.Unavailable, err, "localtimer: stop")
	}
	return nil
}

// Pending returns the running timers of a ticket, oldest clock first.
func (t *Timer) Pending(ctx context.Context, ticketID string) ([]ticket.Wake, error) {
	rows, err := t.db.Reader().QueryContext(ctx,
		"SELECT clock, due_at FROM timers WHERE ticket_id = ? ORDER BY clock", ticketID)
	if err != nil {
		return nil, ticket.Wrap(ticket.Unavailable, err, "localtimer: pending")
	}
	defer rows.Close()
	var out []ticket.Wake
	for rows.Next() {
		w := ticket.Wake{TicketID: ticketID}
		var due int64
		if err := rows.Scan(&w.Clock, &due); err != nil {
			return nil, err
		}
		w.At = time.UnixMilli(due).UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

func (t *Timer) signal() {
	t.mu.Lock()
	defer t.mu.Unlock()
	close(t.wake)
	t.wake = make(chan struct{})
}

func (t *Timer) waiter() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wake
}
