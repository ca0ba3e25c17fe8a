package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// maxBatch is how many deletes one BatchWriteItem takes.
const maxBatch = 25

// Purge deletes what is left of a ticket whose head is gone: DynamoDB's TTL
// removes a resolved ticket's head, and the stream reports that removal
// (ChangeFromImages gives a Change with New nil); dispatch then calls
// Purge to delete its timeline events, which carry no TTL of their own (a
// resolve would otherwise have to touch every event). It deletes nothing
// while the head is there and not expired, so a late or mistaken call is
// harmless.
func (s *Store) Purge(ctx context.Context, id string) error {
	h, _, err := s.query(ctx, id)
	if err != nil {
		return err
	}
	if h.t != nil && !s.expired(h.expires) {
		return nil
	}
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ProjectionExpression:      aws.String("#pk, #sk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: prefixTick + id}},
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return classify(err, "purge ticket "+id)
		}
		for start := 0; start < len(out.Items); start += maxBatch {
			if err := s.deleteAll(ctx, out.Items[start:min(start+maxBatch, len(out.Items))]); err != nil {
				return err
			}
		}
		if out.LastEvaluatedKey == nil {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// deleteAll deletes up to maxBatch items by key, sending again what
// DynamoDB leaves unprocessed (it does under throttling).
func (s *Store) deleteAll(ctx context.Context, keys []map[string]types.AttributeValue) error {
	reqs := make([]types.WriteRequest, len(keys))
	for i, k := range keys {
		reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	for try := 0; len(reqs) > 0; try++ {
		if try == 5 {
			return ticket.Errorf(ticket.Unavailable, "purge: %d deletes left unprocessed after %d tries", len(reqs), try)
		}
		out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{*s.table: reqs}})
		if err != nil {
			return classify(err, fmt.Sprintf("purge %d items", len(reqs)))
		}
		if reqs = out.UnprocessedItems[*s.table]; len(reqs) > 0 {
			select {
			case <-ctx.Done():
				return classify(ctx.Err(), "purge")
			case <-time.After(50 * time.Millisecond << try):
			}
		}
	}
	return nil
}
