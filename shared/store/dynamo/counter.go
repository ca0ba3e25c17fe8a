package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Count counts a repeat on the key's open ticket with one UpdateItem of
// its dedup item: ADD to the count and SET the last seen time, on the
// condition that the item names an open ticket whose description and
// details are the repeat's. It reads nothing and carries no version, so a
// storm of repeats never races. The count it returns is this repeat's
// own; when that count is an occurrence milestone, this repeat alone
// writes the ticket with its "occurred" event (a second request, racing
// only other writes of the ticket). When the condition fails, the item
// as it was comes back with the refusal, and the repeat is the caller's.
func (s *Store) Count(ctx context.Context, integration, dedupKey string, r store.Repeat) (string, int, bool, error) {
	details, ok := detailsDigest(r.Details)
	if !ok || len(dedupPK(integration, dedupKey)) > maxKeyBytes {
		return "", 0, false, nil // not countable; Upsert says what is wrong
	}
	var d dedupRead
	counted := false
	err := s.race(ctx, "dedup key "+dedupKey, func() error {
		var err error
		d, counted, err = s.countOnce(ctx, integration, dedupKey, r, details)
		return err
	})
	if err != nil || !counted {
		return "", 0, false, err
	}
	if ticket.OccurrenceMilestone(d.n) {
		if err := s.race(ctx, "ticket "+d.open, func() error { return s.milestone(ctx, d, r) }); err != nil {
			return d.open, d.n, true, fmt.Errorf("the repeat is counted, but its milestone event is not on the timeline: %w", err)
		}
	}
	return d.open, d.n, true, nil
}

// countOnce tries the count once. It returns the dedup item after the
// count and true, or false when the repeat is the caller's to write, or
// errRaced when it should be tried again.
func (s *Store) countOnce(ctx context.Context, integration, key string, r store.Repeat, details string) (dedupRead, bool, error) {
	d := dedupRead{integration: integration, key: key}
	out, err := s.db.UpdateItem(ctx, countInput(s.table, dedupKey(integration, key), r, details))
	if err == nil {
		d.found = true
		if d.dedup, err = decodeDedup(out.Attributes); err != nil {
			return dedupRead{}, false, ticket.Wrap(ticket.Internal, err, "dynamo store: undecodable dedup item of "+key)
		}
		return d, true, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		if _, raced := reasons(err); raced {
			return dedupRead{}, false, errRaced
		}
		return dedupRead{}, false, classify(err, "count a repeat of "+key)
	}
	return d, false, nil
}

// milestone writes the "occurred" event of the repeat whose count d holds,
// a milestone: the ticket as read, at that count, with Occur's event.
func (s *Store) milestone(ctx context.Context, d dedupRead, r store.Repeat) error {
	t, _, err := s.load(ctx, d.open)
	switch {
	case err != nil:
		return err
	case t == nil:
		return ticket.Errorf(ticket.Internal, "dynamo store: dedup key %q names open ticket %s, which is missing", d.key, d.open)
	case t.Status == ticket.StatusResolved:
		return nil // resolved since: the count was the last before the resolution
	}
	d.countOn(t)
	old := *t
	t.Occurrences = d.n - 1 // Occur counts this repeat again and adds its event
	if err := t.Occur(r.Signal(), r.At); err != nil {
		return err
	}
	return s.save(ctx, &old, t, &d, nil)
}

// countInput is the UpdateItem of a counted repeat.
func countInput(table *string, key item, r store.Repeat, details string) *dynamodb.UpdateItemInput {
	names := map[string]string{"#open": dOpen, "#n": dCount, "#ls": dLastSeen}
	values := map[string]types.AttributeValue{":one": number(1),
		":at": &types.AttributeValueMemberS{Value: r.At.UTC().Format(timeFormat)}}
	cond := "attribute_exists(#open) AND attribute_exists(#n)"
	if r.Description != "" {
		cond += " AND #dsc = :dsc"
		names["#dsc"], values[":dsc"] = dDescription, &types.AttributeValueMemberS{Value: digest(r.Description)}
	}
	if details != "" {
		cond += " AND #dtl = :dtl"
		names["#dtl"], values[":dtl"] = dDetails, &types.AttributeValueMemberS{Value: details}
	}
	return &dynamodb.UpdateItemInput{
		TableName: table, Key: key,
		UpdateExpression:                    aws.String("ADD #n :one SET #ls = :at"),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeNames:            names,
		ExpressionAttributeValues:           values,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
}

// beforeMilestones are the counts one short of an occurrence milestone
// (ticket.OccurrenceMilestone): 1, 9, 99, … A whole write that adds its
// count with ADD must not take the count past one of them, as it did not
// record that milestone.
var beforeMilestones = func() []int64 {
	var out []int64
	for m := int64(2); m > 0 && m <= 1e18; {
		if ticket.OccurrenceMilestone(int(m)) {
			out = append(out, m-1)
		}
		if m == 2 {
			m = 10
		} else {
			m *= 10
		}
	}
	return out
}()

// countOn applies d's counter to t when d names t as its key's open
// ticket: repeats counted since the head was written are on d.
func (d dedupRead) countOn(t *ticket.Ticket) {
	if t == nil || !d.found || !d.counted || d.open != t.ID {
		return
	}
	t.Occurrences = max(t.Occurrences, d.n)
	if d.lastSeen.After(t.LastSeen) {
		t.LastSeen = d.lastSeen
	}
	if d.lastSeen.After(t.UpdatedAt) {
		t.UpdatedAt = d.lastSeen
	}
}

// counterOf is the counter a dedup item holds for t, its open ticket.
func counterOf(t *ticket.Ticket) counter {
	details, _ := detailsDigest(t.Details)
	return counter{counted: true, n: t.Occurrences, lastSeen: t.LastSeen, description: digest(t.Description), details: details}
}

func (c counter) equal(o counter) bool {
	return c.counted == o.counted && c.n == o.n && c.lastSeen.Equal(o.lastSeen) &&
		c.description == o.description && c.details == o.details
}

// digest names a text by its SHA-256, short enough for a key item.
func digest(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// detailsDigest is the digest of details as JSON (how the head keeps
// them); ok is false if they do not encode.
func detailsDigest(m map[string]any) (string, bool) {
	if len(m) == 0 {
		return "", true
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", false
	}
	return digest(string(b)), true
}

// counterWrite is the update of the counter on the dedup item by a whole
// write of t, its open ticket, whose counter was read as c: repeats the
// storm path counts meanwhile must add up with it. A repeat that crosses
// no milestone adds its count (ADD, on the condition that the count it
// adds to is not one short of a milestone, which the write's own count
// then missed); one that crosses a milestone, and so recorded its event,
// sets the count on the condition that it is still as read, since that
// crossing must happen once; a write that counts nothing (a new
// description) leaves the count alone.
func (s *Store) counterWrite(t *ticket.Ticket, c counter) *types.TransactWriteItem {
	next := counterOf(t)
	names := map[string]string{"#open": dOpen}
	values := map[string]types.AttributeValue{":id": &types.AttributeValueMemberS{Value: t.ID}}
	cond, set := "#open = :id", []string{}
	for _, f := range []struct{ name, v string }{{dDescription, next.description}, {dDetails, next.details}} {
		if f.v != "" {
			names["#"+f.name], values[":"+f.name] = f.name, &types.AttributeValueMemberS{Value: f.v}
			set = append(set, "#"+f.name+" = :"+f.name)
		}
	}
	expr := ""
	if delta := next.n - c.n; delta != 0 {
		names["#n"], names["#ls"] = dCount, dLastSeen
		values[":ls"] = &types.AttributeValueMemberS{Value: next.lastSeen.UTC().Format(timeFormat)}
		set = append(set, "#ls = :ls")
		if crossed := milestoneIn(c.n, next.n); delta == 1 && !crossed {
			expr = "ADD #n :delta "
			values[":delta"] = number(delta)
			cond += " AND NOT (#n IN (" + beforeMilestoneNames(values) + "))"
		} else {
			set = append(set, "#n = :n")
			values[":n"], values[":was"] = number(next.n), number(c.n)
			cond += " AND #n = :was"
		}
	}
	if len(set) > 0 {
		expr += "SET " + strings.Join(set, ", ")
	}
	return &types.TransactWriteItem{Update: &types.Update{TableName: s.table, Key: dedupKey(t.Integration, t.DedupKey),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}}
}

// milestoneIn reports whether a count from (after) from to to passes an
// occurrence milestone.
func milestoneIn(from, to int) bool {
	if to-from > 1000 {
		return true
	}
	for n := from + 1; n <= to; n++ {
		if ticket.OccurrenceMilestone(n) {
			return true
		}
	}
	return false
}

// beforeMilestoneNames adds beforeMilestones to values as :m0, :m1, … and
// returns their names for an IN list.
func beforeMilestoneNames(values map[string]types.AttributeValue) string {
	names := make([]string, len(beforeMilestones))
	for i, m := range beforeMilestones {
		names[i] = ":m" + strconv.Itoa(i)
		values[names[i]] = number64(m)
	}
	return strings.Join(names, ", ")
}

// countsOnly reports whether t, read as old, differs from it only as a
// plain repeat would change it: one more occurrence, a later last seen
// and update time, nothing else (no milestone event, no new text).
func countsOnly(old, t *ticket.Ticket) bool {
	if t.Occurrences != old.Occurrences+1 || len(t.Timeline) != len(old.Timeline) {
		return false
	}
	a, b := *old, *t
	a.Occurrences, a.LastSeen, a.UpdatedAt = b.Occurrences, b.LastSeen, b.UpdatedAt
	a.Timeline, b.Timeline = nil, nil
	return reflect.DeepEqual(a, b)
}

// addCount stores a whole write of t that only counts a repeat as the
// storm path does, with one UpdateItem of the counter and no write of the
// head: racing repeats then add up instead of losing races. The count
// must not reach a milestone this way (the write recorded none); if it
// would, the write reads again and records it.
func (s *Store) addCount(ctx context.Context, t *ticket.Ticket) error {
	names := map[string]string{"#open": dOpen, "#n": dCount, "#ls": dLastSeen}
	values := map[string]types.AttributeValue{":id": &types.AttributeValueMemberS{Value: t.ID}, ":one": number(1),
		":ls": &types.AttributeValueMemberS{Value: t.LastSeen.UTC().Format(timeFormat)}}
	cond := "#open = :id AND attribute_exists(#n) AND NOT (#n IN (" + beforeMilestoneNames(values) + "))"
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: s.table, Key: dedupKey(t.Integration, t.DedupKey),
		UpdateExpression: aws.String("ADD #n :one SET #ls = :ls"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		if _, ok := reasons(err); ok {
			return errRaced
		}
		return classify(err, "count a repeat of ticket "+t.ID)
	}
	if d, err := decodeDedup(out.Attributes); err == nil {
		t.Occurrences = max(t.Occurrences, d.n)
	}
	return nil
}
