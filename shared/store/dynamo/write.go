package dynamo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// errRaced says a conditional write lost to a concurrent one: read again
// and run the caller's closure again.
var errRaced = errors.New("dynamo store: a concurrent write won")

// Retries of a write that keeps losing races: full-jitter backoff from
// raceBase doubling up to raceCap, for as long as raceBudget (and the
// caller's context) allows. Each lost round has a winner, so a key with
// hundreds of racing writers settles; a budget of time rather than of
// tries keeps the writer that lost most often in the game while it
// settles. (Plain repeats, the usual storm, never race: see Count.)
const (
	raceBudget = 20 * time.Second
	raceBase   = 2 * time.Millisecond
	raceCap    = 250 * time.Millisecond
)

// Update loads a ticket, runs fn on it and stores the result on the
// condition that no other write came between; if one did, it does it all
// again.
func (s *Store) Update(ctx context.Context, id string, fn func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	var out *ticket.Ticket
	err := s.race(ctx, "ticket "+id, func() error {
		t, d, err := s.loadCounted(ctx, id)
		if err != nil {
			return err
		}
		if t == nil {
			return ticket.Errorf(ticket.NotFound, "ticket %s not found", id)
		}
		old := *t
		if err := fn(t); err != nil {
			if errors.Is(err, store.ErrSkip) {
				out = &old
				return nil
			}
			return err
		}
		out = t
		return s.save(ctx, &old, t, d, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Upsert reads the dedup item of (integration, dedupKey), then the ticket
// it names (the open one, else the newest), runs fn on it and stores the
// result: the same ticket in place, or a new ticket together with the
// dedup item that makes it the key's open ticket. The dedup item's
// condition makes concurrent Upserts of one key open one ticket; the
// others read again and count an occurrence on it.
func (s *Store) Upsert(ctx context.Context, integration, dedupKey string, fn func(*ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, error) {
	if err := checkKey(integration, dedupKey); err != nil {
		return nil, err
	}
	t, _, err := s.upsert(ctx, integration, dedupKey, fn, nil)
	return t, err
}

// upsert is Upsert, with the journal mark of a write of UpsertAll when
// mark is not nil. It returns the ticket fn stored (nil for none), or,
// when the mark shows that an earlier attempt of the request stored this
// write, the ID of that ticket as earlier.
func (s *Store) upsert(ctx context.Context, integration, dedupKey string, fn func(*ticket.Ticket) (*ticket.Ticket, error), mark *journalMark) (out *ticket.Ticket, earlier string, err error) {
	var open *dedupRead // the dedup item as read, after a race lost on the open ticket alone
	err = s.race(ctx, "dedup key "+dedupKey, func() error {
		out = nil
		d, latest, err := s.keyState(ctx, integration, dedupKey, open)
		if err != nil {
			return err
		}
		open = nil
		var old *ticket.Ticket
		if latest != nil {
			o := *latest
			old = &o
		}
		next, err := fn(latest)
		if err != nil || next == nil {
			return err
		}
		if err := checkNext(integration, dedupKey, old, next); err != nil {
			return err
		}
		out = next
		if old != nil && next.ID == old.ID {
			err = s.save(ctx, old, next, &d, mark)
		} else {
			err = s.create(ctx, next, d, mark)
		}
		var done *appliedEarlier
		switch {
		case errors.As(err, &done):
			out, earlier = nil, done.ticketID
			return nil
		case errors.Is(err, errHeadRaced) && d.open != "":
			open = &d
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, earlier, nil
}

// checkKey refuses a key too long for DynamoDB's keys.
func checkKey(integration, dedupKey string) error {
	if n := len(dedupPK(integration, dedupKey)); n > maxKeyBytes {
		return ticket.Errorf(ticket.Invalid, "integration and dedup_key take %d bytes; DynamoDB keys take at most %d", n, maxKeyBytes)
	}
	return nil
}

// checkNext checks what an upsert's fn returned for (integration, key),
// whose ticket was old: the same ticket, or a new one of the key while
// no other of the key is open.
func checkNext(integration, key string, old, next *ticket.Ticket) error {
	if old != nil && next.ID == old.ID {
		return nil
	}
	if next.Integration != integration || next.DedupKey != key {
		return ticket.Errorf(ticket.Internal, "dynamo store: upsert of %s/%s returned a ticket of another key", integration, key)
	}
	if old != nil && old.Status != ticket.StatusResolved && next.Status != ticket.StatusResolved {
		return ticket.Errorf(ticket.Conflict, "ticket %s of dedup key %q is open; a second open ticket of the key is refused", old.ID, key)
	}
	return nil
}

// race runs attempt until it does not lose a race, backing off between
// tries; errors other than a lost race end it.
func (s *Store) race(ctx context.Context, what string, attempt func() error) error {
	began := time.Now() // wall time, whatever clock the store is given
	for n := 0; ; n++ {
		err := attempt()
		if !errors.Is(err, errRaced) {
			return err
		}
		if time.Since(began) > raceBudget {
			return ticket.Errorf(ticket.Unavailable, "%s lost %d races with concurrent writes in %v; try again", what, n+1, raceBudget)
		}
		wait := time.Duration(rand.Int64N(int64(min(raceCap, raceBase<<min(n, 16)))))
		select {
		case <-ctx.Done():
			return classify(ctx.Err(), "wait to retry")
		case <-time.After(wait):
		}
	}
}

// readDedup reads a dedup item with a strongly consistent GetItem. An
// absent item, or one past its expiry, reads as found false.
func (s *Store) readDedup(ctx context.Context, integration, key string) (dedupRead, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: s.table, Key: dedupKey(integration, key), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return dedupRead{}, classify(err, "read dedup key "+key)
	}
	r := dedupRead{integration: integration, key: key}
	if out.Item == nil {
		return r, nil
	}
	d, err := decodeDedup(out.Item)
	if err != nil {
		return dedupRead{}, ticket.Wrap(ticket.Internal, err, "dynamo store: undecodable dedup item of "+key)
	}
	if !s.expired(d.expires) {
		r.dedup, r.found = d, true
	}
	return r, nil
}

// dedupRead is what readDedup saw of a key.
type dedupRead struct {
	integration, key string
	dedup
	found bool
}

// keyState reads what Upsert hands its closure: the dedup item and the
// ticket it names, with the count the dedup item holds. After a race lost
// on the open ticket alone (a storm of whole writes of one alert), open
// is the dedup item as read before; while that ticket is still open, it
// is still the key's open ticket, so reading it alone is enough. The
// count read before may be behind; what the write does with it is
// conditional (see counterWrite), so a count behind is a race lost, not
// a count lost.
func (s *Store) keyState(ctx context.Context, integration, key string, open *dedupRead) (dedupRead, *ticket.Ticket, error) {
	if open != nil {
		t, _, err := s.load(ctx, open.open)
		if err != nil {
			return dedupRead{}, nil, err
		}
		if t != nil && t.Status != ticket.StatusResolved {
			open.countOn(t)
			return *open, t, nil
		}
	}
	d, err := s.readDedup(ctx, integration, key)
	if err != nil {
		return dedupRead{}, nil, err
	}
	latest, err := s.latest(ctx, d)
	d.countOn(latest)
	return d, latest, err
}

// loadCounted is load with the count of the dedup item, when the ticket
// is open: the item read is returned too, for the write that follows.
func (s *Store) loadCounted(ctx context.Context, id string) (*ticket.Ticket, *dedupRead, error) {
	t, _, err := s.load(ctx, id)
	if err != nil || t == nil || t.Status == ticket.StatusResolved {
		return t, nil, err
	}
	d, err := s.readDedup(ctx, t.Integration, t.DedupKey)
	if err != nil {
		return nil, nil, err
	}
	d.countOn(t)
	return t, &d, nil
}

// latest loads the ticket a dedup item names: its open ticket, else its
// newest (nil when that one expired). An open ticket that reads resolved
// was resolved after the dedup item was read: a lost race.
func (s *Store) latest(ctx context.Context, d dedupRead) (*ticket.Ticket, error) {
	id := d.open
	if id == "" {
		id = d.latest
	}
	if !d.found || id == "" {
		return nil, nil
	}
	t, _, err := s.load(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case d.open == "":
		return t, nil
	case t == nil:
		return nil, ticket.Errorf(ticket.Internal, "dynamo store: dedup key %q names open ticket %s, which is missing", d.key, id)
	case t.Status == ticket.StatusResolved:
		return nil, errRaced
	}
	return t, nil
}
