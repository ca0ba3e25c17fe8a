package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

var _ store.Store = (*Store)(nil)

// DefaultRetention is how long a resolved ticket is kept: long enough for
// reopening, post-mortems and quarterly metrics.
const DefaultRetention = 90 * 24 * time.Hour

// Store is a store.Store on a DynamoDB table made from TableInput.
type Store struct {
	db    *dynamodb.Client
	table *string

	// Retention is how long after its resolution a ticket expires; zero
	// means DefaultRetention. Set it before first use.
	Retention time.Duration
	// Now tells expired items apart; default time.Now. Set it before first
	// use.
	Now func() time.Time
}

// New returns a Store on table through client. It sends nothing: the
// table is made by the template (or by tests from TableInput).
func New(client *dynamodb.Client, table string) *Store {
	return &Store{db: client, table: aws.String(table)}
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) retention() time.Duration {
	if s.Retention > 0 {
		return s.Retention
	}
	return DefaultRetention
}

// expires returns when t's items expire: Retention after its resolution,
// or never (zero) while it is not resolved.
func (s *Store) expires(t *ticket.Ticket) time.Time {
	if t.Status != ticket.StatusResolved {
		return time.Time{}
	}
	at := t.ResolvedAt
	if at.IsZero() {
		at = t.UpdatedAt
	}
	return at.Add(s.retention())
}

// expired reports whether an item with TTL value ttl (Unix seconds, 0 for
// none) counts as gone, as DynamoDB may still hold it for a while.
func (s *Store) expired(ttl int64) bool { return ttl != 0 && ttl <= s.now().Unix() }

// Get returns a ticket with its timeline: one Query of its partition
// and, while it is open, one GetItem of its dedup item for the repeats
// counted there.
func (s *Store) Get(ctx context.Context, id string) (*ticket.Ticket, error) {
	t, _, err := s.loadCounted(ctx, id)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, ticket.Errorf(ticket.NotFound, "ticket %s not found", id)
	}
	return t, nil
}

// load reads a ticket's head and events in one strongly consistent Query
// of its partition (more than one request only past 1 MB), or returns nil
// if it is absent or expired. A Query is not isolated from a concurrent
// transaction, so it may see a head without all its events, or events of
// a newer write: the head says how many events it has, events past that
// are ignored, and a timeline that is short is read again.
func (s *Store) load(ctx context.Context, id string) (*ticket.Ticket, head, error) {
	for try := range 5 {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, head{}, classify(ctx.Err(), "read ticket "+id)
			case <-time.After(time.Duration(try) * 10 * time.Millisecond):
			}
		}
		h, events, err := s.query(ctx, id)
		if err != nil || h.t == nil {
			return nil, h, err
		}
		if s.expired(h.expires) {
			return nil, head{}, nil
		}
		if len(events) >= h.events {
			h.t.Timeline = events[:h.events:h.events]
			return h.t, h, nil
		}
	}
	return nil, head{}, ticket.Errorf(ticket.Unavailable, "ticket %s: its timeline did not read whole; try again", id)
}

// query reads a ticket's partition: the head (h.t is nil without one) and
// the events numbered from 0 for as long as they are contiguous.
func (s *Store) query(ctx context.Context, id string) (head, []ticket.Event, error) {
	var h head
	var events []ticket.Event
	in := &dynamodb.QueryInput{
		TableName:                s.table,
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: prefixTick + id}},
		ConsistentRead: aws.Bool(true),
	}
	gap := false
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return head{}, nil, classify(err, "read ticket "+id)
		}
		for _, it := range out.Items {
			sk := (&reader{it: it}).str(attrSK)
			if sk == skHead {
				if h, err = decodeHead(it); err != nil {
					return head{}, nil, corrupt(id, err)
				}
				continue
			}
			seq, ok := seqOf(sk)
			if !ok || gap {
				continue
			}
			if seq != len(events) {
				gap = true // an event of a write still in flight, or beyond it
				continue
			}
			e, err := decodeEvent(it)
			if err != nil {
				return head{}, nil, corrupt(id, err)
			}
			events = append(events, e)
		}
		if out.LastEvaluatedKey == nil {
			return h, events, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func corrupt(id string, err error) error {
	return ticket.Wrap(ticket.Internal, err, "dynamo store: undecodable item of ticket "+id)
}
