package dynamo

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// save stores t, read as old, in one request: a PutItem of the head on the
// condition that its version is still old's, or, when the write adds
// events or moves the ticket in or out of "open for its key", one
// TransactWriteItems of the head, the new events and the dedup item. d is
// the dedup item as the caller read it, or nil; save reads it when the
// write moves the ticket in or out of "open" and d is nil.
func (s *Store) save(ctx context.Context, old, t *ticket.Ticket, d *dedupRead) error {
	if t.ID != old.ID || len(t.Timeline) < len(old.Timeline) {
		return ticket.Errorf(ticket.Internal, "dynamo store: ticket %s: the ID is fixed and the timeline append-only", old.ID)
	}
	was, is := old.Status != ticket.StatusResolved, t.Status != ticket.StatusResolved
	var key *types.TransactWriteItem
	if was != is {
		if d == nil {
			read, err := s.readDedup(ctx, t.Integration, t.DedupKey)
			if err != nil {
				return err
			}
			d = &read
		}
		var err error
		if key, err = s.moveKey(t, *d, is); err != nil {
			return err
		}
	}
	t.Version = old.Version + 1
	h, events, err := s.items(t, len(old.Timeline))
	if err != nil {
		t.Version = old.Version
		return err
	}
	head := &types.Put{TableName: s.table, Item: h,
		ConditionExpression:       aws.String("#v = :v"),
		ExpressionAttributeNames:  map[string]string{"#v": aVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": number(old.Version)},
	}
	if key == nil && len(events) == 0 {
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: head.TableName, Item: head.Item,
			ConditionExpression: head.ConditionExpression, ExpressionAttributeNames: head.ExpressionAttributeNames,
			ExpressionAttributeValues: head.ExpressionAttributeValues})
	} else {
		actions := []types.TransactWriteItem{{Put: head}}
		if key != nil {
			actions = append(actions, *key)
		}
		_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append(actions, s.puts(events)...)})
	}
	if err == nil {
		return nil
	}
	t.Version = old.Version
	if _, ok := reasons(err); ok {
		// The head changed, or the dedup item changed since it was read:
		// either way read both again.
		return errRaced
	}
	return classify(err, "write ticket "+t.ID)
}

// moveKey writes the dedup item of t's key after t was reopened (open) or
// resolved (!open), as d read it. A reopen while another ticket of the key
// is open is a Conflict; a dedup item that does not name t as open when t
// is resolved was read before a concurrent write.
func (s *Store) moveKey(t *ticket.Ticket, d dedupRead, open bool) (*types.TransactWriteItem, error) {
	next := d.dedup
	switch {
	case open && d.open != "" && d.open != t.ID:
		return nil, ticket.Errorf(ticket.Conflict, "ticket %s cannot reopen while ticket %s of its dedup key %q is open", t.ID, d.open, t.DedupKey)
	case open:
		next.open = t.ID
		if next.latest == "" {
			next.latest = t.ID
		}
	case d.open != t.ID:
		return nil, errRaced
	default:
		next.open = ""
	}
	put := s.putKey(d, next, t)
	return &put, nil
}

// create stores a new ticket t and makes it its key's newest ticket (and
// open one, unless it is resolved), on the condition that the dedup item
// is as d saw it.
func (s *Store) create(ctx context.Context, t *ticket.Ticket, d dedupRead) error {
	t.Version = 1
	h, events, err := s.items(t, 0)
	if err != nil {
		t.Version = 0
		return err
	}
	head := &types.Put{TableName: s.table, Item: h,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
	}
	next := dedup{latest: t.ID}
	if t.Status != ticket.StatusResolved {
		next.open = t.ID
	}
	actions := []types.TransactWriteItem{{Put: head}, s.putKey(d, next, t)}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append(actions, s.puts(events)...)})
	if err == nil {
		return nil
	}
	t.Version = 0
	if _, ok := reasons(err); ok {
		return errRaced // another ticket of the key came first (or, once in 2^28, this ID)
	}
	return classify(err, "create ticket "+t.ID)
}

// putKey writes a dedup item whole as next, on the condition that it is
// still as d read it. A key with no open ticket expires with its newest
// resolution: t's, the ticket of this write. (Whole items rather than
// REMOVE clauses also suit minidyn, whose UpdateItem cannot remove a
// top-level attribute.)
func (s *Store) putKey(d dedupRead, next dedup, t *ticket.Ticket) types.TransactWriteItem {
	it := dedupKey(d.integration, d.key)
	it.str(dOpen, next.open)
	it.str(dLatest, next.latest)
	if next.open == "" {
		it.num(TTLAttribute, s.expires(t).Unix())
	}
	put := &types.Put{TableName: s.table, Item: it,
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#exp": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": number64(s.now().Unix())},
	}
	if !d.found {
		put.ConditionExpression = aws.String("attribute_not_exists(#pk) OR #exp <= :now")
		return types.TransactWriteItem{Put: put}
	}
	cond := "attribute_exists(#pk) AND (attribute_not_exists(#exp) OR #exp > :now)"
	for _, f := range [...]struct{ name, v string }{{dOpen, d.open}, {dLatest, d.latest}} {
		name, v := f.name, f.v
		put.ExpressionAttributeNames["#"+name] = name
		if v == "" {
			cond += " AND attribute_not_exists(#" + name + ")"
		} else {
			cond += " AND #" + name + " = :" + name
			put.ExpressionAttributeValues[":"+name] = &types.AttributeValueMemberS{Value: v}
		}
	}
	put.ConditionExpression = aws.String(cond)
	return types.TransactWriteItem{Put: put}
}

// items encodes t's head and its events from the first-th on, and checks
// that DynamoDB will take them.
func (s *Store) items(t *ticket.Ticket, first int) (item, []item, error) {
	h, err := headItem(t, s.expires(t))
	if err != nil {
		return nil, nil, ticket.Wrap(ticket.Internal, err, "dynamo store: encode ticket "+t.ID)
	}
	events := make([]item, 0, len(t.Timeline)-first)
	for i := first; i < len(t.Timeline); i++ {
		events = append(events, eventItem(t.ID, i, t.Timeline[i]))
	}
	return h, events, checkWrite(t, h, events)
}

func (s *Store) puts(events []item) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, len(events))
	for i, e := range events {
		out[i] = types.TransactWriteItem{Put: &types.Put{TableName: s.table, Item: e}}
	}
	return out
}

func number(n int) types.AttributeValue { return number64(int64(n)) }

func number64(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
