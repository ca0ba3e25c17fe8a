package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// save stores t, read as old, in one request: a PutItem of the head on the
// condition that its version is still old's, or one TransactWriteItems of
// the head, its new events, the dedup item when the write moves the
// ticket in or out of "open for its key" or changes the count the dedup
// item holds, and the journal mark of a write of UpsertAll. d is the
// dedup item as the caller read it (nil for a resolved ticket); save
// reads it when a reopen needs it.
func (s *Store) save(ctx context.Context, old, t *ticket.Ticket, d *dedupRead, mark *journalMark) error {
	if t.ID != old.ID || len(t.Timeline) < len(old.Timeline) {
		return ticket.Errorf(ticket.Internal, "dynamo store: ticket %s: the ID is fixed and the timeline append-only", old.ID)
	}
	if mark == nil && d != nil && d.counted && d.open == t.ID && countsOnly(old, t) {
		return s.addCount(ctx, t)
	}
	key, err := s.keyWrite(ctx, old, t, d)
	if err != nil {
		return err
	}
	t.Version = old.Version + 1
	h, events, err := s.items(t, len(old.Timeline), !ticket.Change{Old: old, New: t}.Effects().Empty())
	if err != nil {
		t.Version = old.Version
		return err
	}
	head := &types.Put{TableName: s.table, Item: h,
		ConditionExpression:       aws.String("#v = :v"),
		ExpressionAttributeNames:  map[string]string{"#v": aVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": number(old.Version)},
	}
	figs := s.figureWrite(old, t)
	if key == nil && figs == nil && len(events) == 0 && mark == nil {
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: head.TableName, Item: head.Item,
			ConditionExpression: head.ConditionExpression, ExpressionAttributeNames: head.ExpressionAttributeNames,
			ExpressionAttributeValues: head.ExpressionAttributeValues})
	} else {
		err = s.transact(ctx, types.TransactWriteItem{Put: head}, key, figs, events, mark, t.ID)
	}
	if err != nil {
		t.Version = old.Version
		return s.refused(err, "write ticket "+t.ID)
	}
	return nil
}

// keyWrite is the write of the dedup item that t, read as old, needs, or
// nil: a reopen or resolution moves the key's open ticket, and a write of
// an open ticket that changes its count, last seen time, description or
// details updates the counter (see counter.go).
func (s *Store) keyWrite(ctx context.Context, old, t *ticket.Ticket, d *dedupRead) (*types.TransactWriteItem, error) {
	was, is := old.Status != ticket.StatusResolved, t.Status != ticket.StatusResolved
	switch {
	case was != is:
		if d == nil {
			read, err := s.readDedup(ctx, t.Integration, t.DedupKey)
			if err != nil {
				return nil, err
			}
			d = &read
		}
		return s.moveKey(t, *d, is)
	case !is:
		return nil, nil
	case d == nil:
		return nil, ticket.Errorf(ticket.Internal, "dynamo store: a write of open ticket %s without its dedup item", t.ID)
	case d.open != t.ID || counterOf(t).equal(d.counter):
		return nil, nil
	case !d.counted:
		put := s.putKey(*d, d.dedup, t) // the first write of the counter
		return &put, nil
	}
	return s.counterWrite(t, d.counter), nil
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
func (s *Store) create(ctx context.Context, t *ticket.Ticket, d dedupRead, mark *journalMark) error {
	t.Version = 1
	h, events, err := s.items(t, 0, !ticket.Change{New: t}.Effects().Empty())
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
	key := s.putKey(d, next, t)
	if err := s.transact(ctx, types.TransactWriteItem{Put: head}, &key, s.figureWrite(nil, t), events, mark, t.ID); err != nil {
		t.Version = 0
		// A lost race: another ticket of the key came first (or, once in
		// 2^28, this ID).
		return s.refused(err, "create ticket "+t.ID)
	}
	return nil
}

// transact writes head, the dedup item's write key (if any), the rollup
// the change adds to (figs, if any), events and the journal mark (if
// any, last) of ticket id in one TransactWriteItems.
func (s *Store) transact(ctx context.Context, head types.TransactWriteItem, key, figs *types.TransactWriteItem, events []item, mark *journalMark, id string) error {
	actions := []types.TransactWriteItem{head}
	for _, w := range []*types.TransactWriteItem{key, figs} {
		if w != nil {
			actions = append(actions, *w)
		}
	}
	actions = append(actions, s.puts(events)...)
	if mark != nil {
		actions = append(actions, mark.put(s.table, id, s.now()))
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: actions})
	if err != nil && mark != nil {
		if codes, ok := reasons(err); ok && codes[len(codes)-1] == checkFailed {
			return markedEarlier(err)
		}
	}
	return err
}

// refused reads the error of a conditional write: a failed condition or a
// concurrent transaction is a lost race (read both again and retry), a
// write an earlier attempt made is reported as such, and anything else
// is classified.
func (s *Store) refused(err error, doing string) error {
	var earlier *appliedEarlier
	if errors.As(err, &earlier) {
		return err
	}
	codes, ok := reasons(err)
	switch {
	case !ok:
		return classify(err, doing)
	case len(codes) == 1 || len(codes) > 1 && (codes[1] == "" || codes[1] == "None"):
		return errHeadRaced // the head's condition failed, the key item's held
	}
	return errRaced
}

// errHeadRaced is a lost race on the head alone: the dedup item as read
// still holds, and a retry need read only the ticket again.
var errHeadRaced = fmt.Errorf("%w: the ticket changed", errRaced)

// putKey writes a dedup item whole as next, on the condition that it is
// still as d read it, counter included. While the key has an open ticket
// (t) the item holds its counter; a key with no open ticket expires with
// its newest resolution: t's, the ticket of this write. (Whole items
// rather than REMOVE clauses also suit minidyn, whose UpdateItem cannot
// remove a top-level attribute.)
func (s *Store) putKey(d dedupRead, next dedup, t *ticket.Ticket) types.TransactWriteItem {
	it := dedupKey(d.integration, d.key)
	it.str(dOpen, next.open)
	it.str(dLatest, next.latest)
	if next.open == "" {
		it.num(TTLAttribute, s.expires(t).Unix())
	} else {
		c := counterOf(t)
		it[dCount] = number(c.n)
		it.time(dLastSeen, c.lastSeen)
		it.str(dDescription, c.description)
		it.str(dDetails, c.details)
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
	put.ExpressionAttributeNames["#n"] = dCount
	if d.counted {
		cond += " AND #n = :n" // no repeat was counted since the read
		put.ExpressionAttributeValues[":n"] = number(d.n)
	} else {
		cond += " AND attribute_not_exists(#n)"
	}
	put.ConditionExpression = aws.String(cond)
	return types.TransactWriteItem{Put: put}
}

// items encodes t's head and its events from the first-th on, and checks
// that DynamoDB will take them. work marks a head whose change asks
// something of dispatch, for the stream filter.
func (s *Store) items(t *ticket.Ticket, first int, work bool) (item, []item, error) {
	h, err := headItem(t, s.expires(t))
	if err != nil {
		return nil, nil, ticket.Wrap(ticket.Internal, err, "dynamo store: encode ticket "+t.ID)
	}
	if work {
		h.int(aDispatch, 1)
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
