package sqlite

import (
	"context"
	"errors"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Update runs fn on a ticket inside one write transaction. Writes are
// serialised by localdb, so fn runs exactly once and never loses a race.
func (s *Store) Update(ctx context.Context, id string, fn func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	var out *ticket.Ticket
	err := s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		t, err := load(tx, selectByID, id)
		if err != nil {
			return false, err
		}
		if t == nil {
			return false, ticket.Errorf(ticket.NotFound, "ticket %s not found", id)
		}
		old := *t
		if err := fn(t); err != nil {
			if errors.Is(err, store.ErrSkip) {
				out = &old
				return false, nil
			}
			return false, callerError{err}
		}
		out = t
		return save(tx, &old, t)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Upsert runs fn on the open (else the newest) ticket of a dedup key inside
// one write transaction; the partial unique index on open tickets backs the
// rule "one open ticket per key" should fn ever break it.
func (s *Store) Upsert(ctx context.Context, integration, dedupKey string, fn func(*ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, error) {
	var out *ticket.Ticket
	err := s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		var queued bool
		var err error
		out, queued, err = upsert(tx, integration, dedupKey, fn)
		return queued, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// upsert is Upsert inside tx. It returns the ticket fn stored (nil for
// none) and whether it added an outbox row.
func upsert(tx *localdb.Tx, integration, dedupKey string, fn func(*ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, bool, error) {
	latest, err := loadKey(tx, integration, dedupKey)
	if err != nil {
		return nil, false, err
	}
	var old *ticket.Ticket
	if latest != nil {
		o := *latest
		old = &o
	}
	next, err := fn(latest)
	if err != nil {
		return nil, false, callerError{err}
	}
	if next == nil {
		return nil, false, nil
	}
	if old != nil && next.ID == old.ID {
		queued, err := save(tx, old, next)
		return next, queued, err
	}
	if next.Integration != integration || next.DedupKey != dedupKey {
		return nil, false, ticket.Errorf(ticket.Internal, "sqlite store: upsert of %s/%s returned a ticket of another key", integration, dedupKey)
	}
	queued, err := save(tx, nil, next)
	return next, queued, err
}

// loadKey loads the open ticket of a key, else its newest, else nil.
func loadKey(tx *localdb.Tx, integration, dedupKey string) (*ticket.Ticket, error) {
	latest, err := load(tx, selectOpen, integration, dedupKey)
	if err == nil && latest == nil {
		latest, err = load(tx, selectLatest, integration, dedupKey)
	}
	return latest, err
}

// write runs fn in a durable write and wakes the dispatcher when fn says
// it added an outbox row.
func (s *Store) write(ctx context.Context, fn func(*localdb.Tx) (bool, error)) error {
	queued := false
	err := s.db.Write(ctx, func(tx *localdb.Tx) error {
		var err error
		queued, err = fn(tx)
		return err
	})
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	if err != nil {
		return unavailable(err)
	}
	if queued {
		select {
		case s.changes <- struct{}{}:
		default:
		}
	}
	return nil
}

// save writes t, whose image before the change was old (nil for a new
// ticket), with its new timeline events and, if the change has effects, an
// outbox row. It reports whether it wrote an outbox row.
func save(tx *localdb.Tx, old, t *ticket.Ticket) (bool, error) {
	from := 0
	if old != nil {
		from = len(old.Timeline)
		if len(t.Timeline) < from {
			return false, ticket.Errorf(ticket.Internal, "sqlite store: ticket %s: the timeline is append-only", t.ID)
		}
		t.Version = old.Version + 1
	} else {
		t.Version = 1
	}
	if err := t.CheckSize(from); err != nil { // what DynamoDB would refuse
		t.Version = t.Version - 1
		return false, err
	}
	doc, err := encodeTicket(t)
	if err != nil {
		return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode ticket")
	}
	if old == nil {
		_, err = tx.Exec(insertTicket, t.ID, t.Integration, t.DedupKey, int(t.Tier), string(t.Status), t.Version, doc)
		if err != nil {
			t.Version = 0
			if isConstraint(err) {
				return false, ticket.Wrap(ticket.Conflict, err, "another ticket of this dedup key is open")
			}
			return false, err
		}
	} else {
		res, err := tx.Exec(updateTicket, int(t.Tier), string(t.Status), t.Version, doc, t.ID, old.Version)
		if err != nil {
			t.Version = old.Version
			if isConstraint(err) {
				return false, ticket.Wrap(ticket.Conflict, err, "another ticket of this dedup key is open")
			}
			return false, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Version = old.Version
			return false, ticket.Errorf(ticket.Conflict, "ticket %s changed while it was being updated", t.ID)
		}
	}
	for i := from; i < len(t.Timeline); i++ {
		b, err := encodeEvent(t.Timeline[i])
		if err != nil {
			return false, ticket.Wrap(ticket.Internal, err, "sqlite store: encode event")
		}
		if _, err := tx.Exec(insertEvent, t.ID, i, b); err != nil {
			return false, err
		}
	}
	if err := addFigures(tx, old, t); err != nil {
		return false, err
	}
	return addOutbox(tx, ticket.Change{Old: old, New: t})
}

// callerError carries an error of a caller's closure through the write
// unchanged, so that it is not mistaken for a database failure.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }
