package sqlite

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// problemKey selects problem tickets: only ticket.NewProblem makes a dedup
// key that starts with "problem\n" (a sender's keys are one line), so the
// kind needs no column of its own, and the partial index tickets_problems
// lists problems without reading incidents.
const problemKey = "substr(dedup_key, 1, 8) = 'problem' || char(10)"

// Recur records r under key and returns the key's recurrences in the
// window, in one write transaction, and drops the key's rows older than
// the window: a key keeps only what it can still count.
func (s *Store) Recur(ctx context.Context, key string, r store.Recurrence, window time.Duration) ([]store.Recurrence, error) {
	since := r.At.Add(-window).UnixNano()
	var out []store.Recurrence
	err := s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		out = nil
		if _, err := tx.Exec("INSERT OR IGNORE INTO recurrences (key, ticket_id, title, at) VALUES (?, ?, ?, ?)",
			key, r.TicketID, r.Title, r.At.UnixNano()); err != nil {
			return false, err
		}
		if _, err := tx.Exec("DELETE FROM recurrences WHERE key = ? AND at < ?", key, since); err != nil {
			return false, err
		}
		rows, err := tx.Query("SELECT ticket_id, title, at FROM recurrences WHERE key = ? AND at >= ? ORDER BY at, ticket_id", key, since)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var rec store.Recurrence
			var at int64
			if err := rows.Scan(&rec.TicketID, &rec.Title, &at); err != nil {
				return false, err
			}
			rec.At = time.Unix(0, at).UTC()
			out = append(out, rec)
		}
		return false, rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkRecurring marks recs as tickets of key, and drops the marks older
// than store.RecurringKept, in one write transaction.
func (s *Store) MarkRecurring(ctx context.Context, key ticket.RecurrenceKey, recs []store.Recurrence) error {
	if len(recs) == 0 {
		return nil
	}
	expired := recs[len(recs)-1].At.Add(-store.RecurringKept).UnixNano()
	return s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		for _, r := range recs {
			if _, err := tx.Exec("INSERT OR IGNORE INTO recurring (ticket_id, integration, key, title, at) VALUES (?, ?, ?, ?, ?)",
				r.TicketID, key.Integration, key.Key, r.Title, r.At.UnixNano()); err != nil {
				return false, err
			}
		}
		_, err := tx.Exec("DELETE FROM recurring WHERE at < ?", expired)
		return false, err
	})
}

// Recurring reads the marks of the window from the recurring_by_at index.
func (s *Store) Recurring(ctx context.Context, since, until time.Time) ([]store.Recurring, error) {
	var out []store.Recurring
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		out = nil
		rows, err := tx.Query("SELECT ticket_id, integration, key, title, at FROM recurring WHERE at >= ? AND at < ? ORDER BY at, ticket_id",
			since.UnixNano(), until.UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r store.Recurring
			var at int64
			if err := rows.Scan(&r.TicketID, &r.Key.Integration, &r.Key.Key, &r.Title, &at); err != nil {
				return err
			}
			r.At = time.Unix(0, at).UTC()
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
