// Package localqueue is the local twin of the SQS tier queues: messages in a
// table of the embedded database, with SQS's semantics where they matter to
// tierline: at-least-once delivery, a visibility timeout, a receive count
// and a dead-letter queue after too many receives. Messages survive a
// restart; a message in flight when the program stopped is released at the
// next start, since its receiver is gone.
package localqueue

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/ticket"
)

var _ queue.Queue = (*Queue)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS queue_messages (
	key        TEXT PRIMARY KEY,
	tier       INTEGER NOT NULL,
	ticket_id  TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	visible_at INTEGER NOT NULL,
	receives   INTEGER NOT NULL DEFAULT 0,
	dead       INTEGER NOT NULL DEFAULT 0,
	sent       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (tier, dead, visible_at);`

const (
	// insertMessage queues a notice once: while it is queued or in flight
	// a second send is absorbed; a notice in the dead letters is brought
	// back afresh, as SQS would take a new message.
	insertMessage = `INSERT INTO queue_messages (key, tier, ticket_id, seq, visible_at, sent)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET dead = 0, receives = 0,
		visible_at = excluded.visible_at, sent = excluded.sent WHERE queue_messages.dead = 1`
	// deadLetter moves messages received MaxReceives times, and due again,
	// to the dead letters instead of delivering them once more.
	deadLetter = `UPDATE queue_messages SET dead = 1 WHERE tier = ? AND dead = 0 AND visible_at <= ? AND receives >= ?`
	receive    = `UPDATE queue_messages SET receives = receives + 1, visible_at = ?
		WHERE key IN (SELECT key FROM queue_messages WHERE tier = ? AND dead = 0 AND visible_at <= ? ORDER BY sent, key LIMIT ?)
		RETURNING key, ticket_id, seq, receives`
	deleteMessage = `DELETE FROM queue_messages WHERE key = ?`
)

// Options configure a Queue like the attributes of an SQS queue.
type Options struct {
	Visibility  time.Duration    // how long a received message stays hidden; default 30s
	MaxReceives int              // receives before a message goes to the dead letters; default 5
	Now         func() time.Time // default time.Now
}

// Queue is a queue.Queue on the embedded database.
type Queue struct {
	db   *localdb.DB
	opts Options
	mu   sync.Mutex
	wake map[ticket.Tier]chan struct{}
}

// New creates the queue's table in db if needed and releases messages that
// were in flight when the database was last closed.
func New(ctx context.Context, db *localdb.DB, opts Options) (*Queue, error) {
	if opts.Visibility <= 0 {
		opts.Visibility = 30 * time.Second
	}
	if opts.MaxReceives <= 0 {
		opts.MaxReceives = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	q := &Queue{db: db, opts: opts, wake: map[ticket.Tier]chan struct{}{}}
	err := db.Write(ctx, func(tx *localdb.Tx) error {
		if _, err := tx.Exec(schema); err != nil {
			return err
		}
		_, err := tx.Exec("UPDATE queue_messages SET visible_at = ? WHERE dead = 0 AND visible_at > ?", q.now(), q.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("localqueue: create table: %w", err)
	}
	if err := db.Prepare(insertMessage, deadLetter, receive, deleteMessage); err != nil {
		return nil, fmt.Errorf("localqueue: %w", err)
	}
	return q, nil
}

// Send adds notices to their tiers' queues. A notice already queued is not
// queued twice; one in the dead letters is queued again.
func (q *Queue) Send(ctx context.Context, notices ...ticket.Notice) error {
	if len(notices) == 0 {
		return nil
	}
	now := q.now()
	err := q.db.Write(ctx, func(tx *localdb.Tx) error {
		for _, n := range notices {
			if !n.Tier.Valid() {
				return fmt.Errorf("localqueue: notice %s has no tier", n.Key())
			}
			if _, err := tx.Exec(insertMessage, n.Key(), int(n.Tier), n.TicketID, n.Seq, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ticket.Wrap(ticket.Unavailable, err, "localqueue: send")
	}
	for _, n := range notices {
		q.signal(n.Tier)
	}
	return nil
}

// Receive takes up to max visible messages of tier, waiting up to wait for
// the first. Messages past their last allowed receive go to the dead
// letters instead of being delivered.
func (q *Queue) Receive(ctx context.Context, tier ticket.Tier, max int, wait time.Duration) ([]queue.Delivery, error) {
	deadline := time.Now().Add(wait)
	for {
		out, err := q.take(ctx, tier, max)
		if err != nil || len(out) > 0 {
			return out, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil
		}
		timer := time.NewTimer(min(left, 100*time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-q.waiter(tier):
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (q *Queue) take(ctx context.Context, tier ticket.Tier, max int) ([]queue.Delivery, error) {
	var out []queue.Delivery
	now := q.now()
	err := q.db.Write(ctx, func(tx *localdb.Tx) error {
		out = out[:0]
		if _, err := tx.Exec(deadLetter, int(tier), now, q.opts.MaxReceives); err != nil {
			return err
		}
		rows, err := tx.Query(receive, now+q.opts.Visibility.Milliseconds(), int(tier), now, max)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d := queue.Delivery{Notice: ticket.Notice{Tier: tier}}
			if err := rows.Scan(&d.Receipt, &d.Notice.TicketID, &d.Notice.Seq, &d.Attempt); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, ticket.Wrap(ticket.Unavailable, err, "localqueue: receive")
	}
	return out, nil
}

// Delete removes handled messages.
func (q *Queue) Delete(ctx context.Context, ds ...queue.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	err := q.db.Write(ctx, func(tx *localdb.Tx) error {
		for _, d := range ds {
			if _, err := tx.Exec(deleteMessage, d.Receipt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ticket.Wrap(ticket.Unavailable, err, "localqueue: delete")
	}
	return nil
}

// DeadLetters returns the notices of tier that went to the dead letters.
func (q *Queue) DeadLetters(ctx context.Context, tier ticket.Tier) ([]ticket.Notice, error) {
	rows, err := q.db.Reader().QueryContext(ctx,
		"SELECT ticket_id, seq FROM queue_messages WHERE tier = ? AND dead = 1 ORDER BY sent, key", int(tier))
	if err != nil {
		return nil, ticket.Wrap(ticket.Unavailable, err, "localqueue: dead letters")
	}
	defer rows.Close()
	var out []ticket.Notice
	for rows.Next() {
		n := ticket.Notice{Tier: tier}
		if err := rows.Scan(&n.TicketID, &n.Seq); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (q *Queue) now() int64 { return q.opts.Now().UnixMilli() }

// waiter returns the channel a Send to tier closes.
func (q *Queue) waiter(tier ticket.Tier) <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	ch, ok := q.wake[tier]
	if !ok {
		ch = make(chan struct{})
		q.wake[tier] = ch
	}
	return ch
}

func (q *Queue) signal(tier ticket.Tier) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if ch, ok := q.wake[tier]; ok {
		close(ch)
		delete(q.wake, tier)
	}
}
