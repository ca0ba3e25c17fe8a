package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// The marks of recurring tickets (store.Recurring) share one partition,
// sorted by creation: a report reads its window with one Query (a page
// per 1 MB, some 5,000 marks). One partition is enough because only the
// second and later tickets of a key within its window are marked, a rate
// far below a partition's 1,000 writes a second; each mark expires (TTL)
// after store.RecurringKept.
const (
	pkRecurring = "R#"
	// the sort key is "<creation, Unix nanoseconds, 19 digits>#<ticket ID>"
	rIntegration, rKey = "integration", "key"
)

func recurringSK(at time.Time, id string) string {
	return fmt.Sprintf("%019d#%s", at.UnixNano(), id)
}

// MarkRecurring puts a mark per recurrence: one PutItem each, idempotent
// since the item is named by the ticket and its creation.
func (s *Store) MarkRecurring(ctx context.Context, key ticket.RecurrenceKey, recs []store.Recurrence) error {
	for _, r := range recs {
		it := item{attrPK: &types.AttributeValueMemberS{Value: pkRecurring},
			attrSK: &types.AttributeValueMemberS{Value: recurringSK(r.At, r.TicketID)}}
		it.str(rIntegration, key.Integration)
		it.str(rKey, key.Key)
		it.str(rTitle, r.Title)
		it.num(TTLAttribute, r.At.Add(store.RecurringKept).Unix()+1)
		if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: it}); err != nil {
			return classify(err, "mark "+r.TicketID+" recurring")
		}
	}
	return nil
}

// Recurring reads the marks of the window, page by page, skipping those
// DynamoDB has not deleted yet after they expired.
func (s *Store) Recurring(ctx context.Context, since, until time.Time) ([]store.Recurring, error) {
	in := &dynamodb.QueryInput{TableName: s.table,
		KeyConditionExpression:   aws.String("#pk = :pk AND #sk BETWEEN :from AND :to"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkRecurring},
			":from": &types.AttributeValueMemberS{Value: recurringSK(since, "")},
			":to":   &types.AttributeValueMemberS{Value: recurringSK(until.Add(-1), "\U0010FFFF")}},
	}
	var out []store.Recurring
	for {
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "read the recurring tickets")
		}
		for _, it := range res.Items {
			r, err := readRecurring(it)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

func readRecurring(it map[string]types.AttributeValue) (store.Recurring, error) {
	rd := &reader{it: it}
	sk := rd.str(attrSK)
	var r store.Recurring
	r.Key.Integration, r.Key.Key, r.Title = rd.str(rIntegration), rd.str(rKey), rd.str(rTitle)
	at, id, ok := strings.Cut(sk, "#")
	var nanos int64
	if _, err := fmt.Sscanf(at, "%d", &nanos); err != nil || !ok || rd.err != nil {
		return r, ticket.Errorf(ticket.Internal, "dynamo store: undecodable recurring item %q: %v", sk, rd.err)
	}
	r.TicketID, r.At = id, time.Unix(0, nanos).UTC()
	return r, nil
}
