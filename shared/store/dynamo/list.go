package dynamo

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

var statuses = []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged, ticket.StatusResolved}

// List returns a page of tickets, newest first, from the ByTierStatus
// index. A query with a tier and a status reads one index partition; one
// without reads each matching tier#status partition (three, or nine with
// neither) concurrently and merges them. The cursor is the last ticket ID
// of the page before, as in the local store: IDs sort by creation time and
// are the index's sort key.
func (s *Store) List(ctx context.Context, q store.Query) (store.Page, error) {
	cursor := ""
	if q.Cursor != "" {
		id, err := ticket.ParseID(q.Cursor)
		if err != nil {
			return store.Page{}, ticket.Errorf(ticket.Invalid, "cursor %q is not one this API gave out", q.Cursor)
		}
		cursor = id
	}
	n := q.PageSize()
	parts := partitions(q)
	found := make([][]*ticket.Ticket, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Go(func() { found[i], errs[i] = s.newest(ctx, p, cursor, n+1) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return store.Page{}, err
		}
	}
	all := slices.Concat(found...)
	slices.SortFunc(all, func(a, b *ticket.Ticket) int { return strings.Compare(b.ID, a.ID) })
	var page store.Page
	if len(all) > n {
		all = all[:n]
		page.Next = all[n-1].ID
	}
	page.Tickets = all
	return page, nil
}

// partitions returns the index partitions that hold the tickets q asks for.
func partitions(q store.Query) []string {
	tiers, sts := ticket.Tiers, statuses
	if q.Tier != 0 {
		tiers = []ticket.Tier{q.Tier}
	}
	if q.Status != "" {
		sts = []ticket.Status{q.Status}
	}
	var out []string
	for _, t := range tiers {
		for _, st := range sts {
			out = append(out, indexPK(t, st))
		}
	}
	return out
}

// newest returns up to max unexpired tickets of an index partition with
// IDs below cursor (all when cursor is empty), newest first. Expired
// tickets are skipped in code rather than by a filter expression, whose
// interplay with Limit minidyn gets wrong; they are few, as DynamoDB
// deletes them within days.
func (s *Store) newest(ctx context.Context, partition, cursor string, max int) ([]*ticket.Ticket, error) {
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(IndexByTierStatus),
		KeyConditionExpression:    aws.String("#p = :p"),
		ExpressionAttributeNames:  map[string]string{"#p": attrGPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: partition}},
		ScanIndexForward:          aws.Bool(false),
	}
	if cursor != "" {
		in.KeyConditionExpression = aws.String("#p = :p AND #s < :c")
		in.ExpressionAttributeNames["#s"] = attrGSK
		in.ExpressionAttributeValues[":c"] = &types.AttributeValueMemberS{Value: cursor}
	}
	var out []*ticket.Ticket
	for len(out) < max {
		in.Limit = aws.Int32(int32(max - len(out)))
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "list "+partition)
		}
		for _, it := range res.Items {
			h, err := decodeHead(it)
			if err != nil {
				return nil, corrupt((&reader{it: it}).str(attrGSK), err)
			}
			if !s.expired(h.expires) {
				out = append(out, h.t)
			}
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	return out, nil
}
