package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// Entry is one outbox row: a stored change that asks for a hand-off or a
// timer, not yet dispatched.
type Entry struct {
	Seq    int64
	Change ticket.Change
}

// changeDoc is an outbox row: the two images of a change, reduced to what
// ticket.Change.Effects reads.
type changeDoc struct {
	Old *imageDoc `json:"old,omitempty"`
	New *imageDoc `json:"new"`
}

type imageDoc struct {
	ID            string        `json:"id"`
	Tier          ticket.Tier   `json:"tier"`
	Status        ticket.Status `json:"status"`
	Notices       int           `json:"notices"`
	Clock         int           `json:"clock"`
	AcknowledgeBy time.Time     `json:"acknowledge_by"`
	ResolveBy     time.Time     `json:"resolve_by"`
}

func image(t *ticket.Ticket) *imageDoc {
	if t == nil {
		return nil
	}
	return &imageDoc{ID: t.ID, Tier: t.Tier, Status: t.Status, Notices: t.Notices, Clock: t.Clock,
		AcknowledgeBy: t.AcknowledgeBy, ResolveBy: t.ResolveBy}
}

func (d *imageDoc) ticket() *ticket.Ticket {
	if d == nil {
		return nil
	}
	return &ticket.Ticket{ID: d.ID, Tier: d.Tier, Status: d.Status, Notices: d.Notices, Clock: d.Clock,
		AcknowledgeBy: d.AcknowledgeBy, ResolveBy: d.ResolveBy}
}

// addOutbox records c in the outbox if it has effects.
func addOutbox(tx *localdb.Tx, c ticket.Change) (bool, error) {
	if c.Effects().Empty() {
		return false, nil
	}
	b, err := json.Marshal(changeDoc{Old: image(c.Old), New: image(c.New)})
	if err != nil {
		return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode outbox")
	}
	_, err = tx.Exec(insertOutbox, c.New.ID, b)
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
		if err := json.Unmarshal(b, &d); err != nil || d.New == nil {
			return nil, corrupt(errors.Join(err, errors.New("outbox row without a new image")))
		}
		e.Change = ticket.Change{Old: d.Old.ticket(), New: d.New.ticket()}
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
	return s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		_, err := tx.Exec(q, args...)
		return false, err
	})
}

// Changes is signalled after a write that added outbox rows, so that the
// dispatcher need not poll to stay prompt.
func (s *Store) Changes() <-chan struct{} { return s.changes }
