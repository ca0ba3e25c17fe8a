package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// Entry is one outbox row: a stored change that asks for a hand-off or a
// timer, not yet dispatched.
type Entry struct {
	Seq    int64
	Change ticket.Change
}

type changeDoc struct {
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new"`
}

// addOutbox records c in the outbox if it has effects; timelines are left
// out, as Effects needs none.
func addOutbox(ctx context.Context, tx *sql.Tx, c ticket.Change) (bool, error) {
	if c.Effects().Empty() {
		return false, nil
	}
	var d changeDoc
	var err error
	if c.Old != nil {
		if d.Old, err = encodeTicket(c.Old); err != nil {
			return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode outbox")
		}
	}
	if d.New, err = encodeTicket(c.New); err != nil {
		return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode outbox")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode outbox")
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO outbox (ticket_id, change) VALUES (?, ?)", c.New.ID, b)
	return err == nil, err
}

// Outbox returns up to limit undispatched changes, oldest first.
func (s *Store) Outbox(ctx context.Context, limit int) ([]Entry, error) {
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT seq, change FROM outbox ORDER BY seq LIMIT ?", limit)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var b []byte
		if err := rows.Scan(&e.Seq, &b); err != nil {
			return nil, unavailable(err)
		}
		var d changeDoc
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, corrupt(err)
		}
		if len(d.Old) > 0 {
			if e.Change.Old, err = decodeTicket(d.Old); err != nil {
				return nil, corrupt(err)
			}
		}
		if e.Change.New, err = decodeTicket(d.New); err != nil {
			return nil, corrupt(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}

// Dispatched deletes outbox rows whose effects are done.
func (s *Store) Dispatched(ctx context.Context, seqs ...int64) error {
	if len(seqs) == 0 {
		return nil
	}
	args := make([]any, len(seqs))
	for i, v := range seqs {
		args[i] = v
	}
	q := fmt.Sprintf("DELETE FROM outbox WHERE seq IN (%s)", strings.TrimSuffix(strings.Repeat("?,", len(seqs)), ","))
	return s.write(ctx, func(tx *sql.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, q, args...)
		return false, err
	})
}

// Changes is signalled after a write that added outbox rows, so that the
// dispatcher need not poll to stay prompt.
func (s *Store) Changes() <-chan struct{} { return s.changes }
