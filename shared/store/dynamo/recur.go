package dynamo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// The key index of problem records: one item per ticket of a recurrence
// key, in the key's partition, sorted by ticket ID (so by creation time).
const (
	prefixRecur = "P#"
	skRecur     = "I#"
	rTitle, rAt = "title", "at" // at: Unix nanoseconds, as the local store keeps it
)

// Recur records r under key and returns the key's recurrences in the
// window: one PutItem (idempotent: the item is named by the ticket) and
// one strongly consistent Query of the key's partition. Each item expires
// (TTL) once it is older than the window, so the partition holds at most
// a window's tickets and the few DynamoDB has not deleted yet, which the
// Query skips.
func (s *Store) Recur(ctx context.Context, key string, r store.Recurrence, window time.Duration) ([]store.Recurrence, error) {
	pk := &types.AttributeValueMemberS{Value: prefixRecur + key}
	it := item{attrPK: pk, attrSK: &types.AttributeValueMemberS{Value: skRecur + r.TicketID}}
	it.str(rTitle, r.Title)
	it.num(rAt, r.At.UnixNano())
	it.num(TTLAttribute, r.At.Add(window).Unix()+1)
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: it}); err != nil {
		return nil, classify(err, "record a recurrence of "+r.TicketID)
	}
	since := r.At.Add(-window).UnixNano()
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk},
		ConsistentRead:            aws.Bool(true),
	}
	var out []store.Recurrence
	for {
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "read the recurrences of a key")
		}
		for _, it := range res.Items {
			rd := &reader{it: it}
			sk, at := rd.str(attrSK), rd.num(rAt)
			if rd.err != nil || len(sk) <= len(skRecur) {
				return nil, ticket.Errorf(ticket.Internal, "dynamo store: undecodable recurrence item %q: %v", sk, rd.err)
			}
			if at < since {
				continue
			}
			out = append(out, store.Recurrence{TicketID: sk[len(skRecur):], Title: rd.str(rTitle), At: time.Unix(0, at).UTC()})
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	// Oldest first, by ID where they tie, as the local store answers.
	slices.SortFunc(out, func(a, b store.Recurrence) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.TicketID, b.TicketID)
	})
	return out, nil
}
