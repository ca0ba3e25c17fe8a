package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Count counts a repeat on the key's open ticket with one UpdateItem of
// its dedup item: ADD to the count and SET the last seen time, on the
// condition that the item names an open ticket whose description and
// details are the repeat's, and that the count it reaches is no
// occurrence milestone. It reads nothing and carries no version, so a
// storm of repeats never races. When the condition fails the item as it
// was comes back with the refusal: a missing or changed ticket is the
// caller's (ok false); a milestone is written here whole, with its event,
// by the one write that wins the count (a version and count condition),
// while the others count past it.
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
	if ccf.Item != nil {
		if d.dedup, err = decodeDedup(ccf.Item); err != nil {
			return dedupRead{}, false, ticket.Wrap(ticket.Internal, err, "dynamo store: undecodable dedup item of "+key)
		}
		d.found = !s.expired(d.expires)
	}
	if !d.found || d.open == "" || !d.counted || (r.Description != "" && digest(r.Description) != d.description) ||
		(details != "" && details != d.details) {
		return d, false, nil
	}
	// The next count is a milestone: write it whole, once.
	if err := s.milestone(ctx, d, r); err != nil {
		return dedupRead{}, false, err
	}
	d.n++
	return d, true, nil
}

// milestone writes the repeat that reaches an occurrence milestone: the
// ticket with its "occurred" event, and the dedup item's count, on the
// condition that neither changed since read.
func (s *Store) milestone(ctx context.Context, d dedupRead, r store.Repeat) error {
	t, _, err := s.load(ctx, d.open)
	switch {
	case err != nil:
		return err
	case t == nil || t.Status == ticket.StatusResolved:
		return errRaced
	}
	d.countOn(t)
	old := *t
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
	cond := "attribute_exists(#open) AND attribute_exists(#n) AND NOT (#n IN ("
	for i, m := range beforeMilestones {
		if i > 0 {
			cond += ", "
		}
		name := ":m" + strconv.Itoa(i)
		cond += name
		values[name] = number64(m)
	}
	cond += "))"
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
// (ticket.OccurrenceMilestone): 1, 9, 99, … A count the UpdateItem would
// take past one of them is refused and written whole.
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
