package dynamo

import (
	"context"
	"errors"
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
// neither; twice that when the query names no kind, as problems have
// partitions of their own) concurrently and merges them. The index holds keys only (see
// IndexAttributes), so the page's tickets are then read with
// BatchGetItem: each head and, for an open ticket, its dedup item, which
// holds the repeats counted since the head was written. The cursor is the
// last ticket ID of the page before, as in the local store: IDs sort by
// creation time and are the index's sort key.
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
	found := make([][]entry, len(parts))
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
	slices.SortFunc(all, func(a, b entry) int { return strings.Compare(b.id, a.id) })
	var page store.Page
	if len(all) > n {
		all = all[:n]
		page.Next = all[n-1].id
	}
	tickets, err := s.fetch(ctx, all)
	if err != nil {
		return store.Page{}, err
	}
	page.Tickets = tickets
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
	kinds := []ticket.Kind{ticket.KindIncident, ticket.KindProblem}
	if q.Kind != "" {
		kinds = []ticket.Kind{q.Kind}
	}
	var out []string
	for _, k := range kinds {
		for _, t := range tiers {
			for _, st := range sts {
				out = append(out, indexPK(k, t, st))
			}
		}
	}
	return out
}

// entry is a ticket as the index holds it.
type entry struct {
	id, partition, integration, key string
}

// newest returns up to max unexpired entries of an index partition with
// IDs below cursor (all when cursor is empty), newest first. Expired
// tickets are skipped in code rather than by a filter expression, whose
// interplay with Limit minidyn gets wrong; they are few, as DynamoDB
// deletes them within days.
func (s *Store) newest(ctx context.Context, partition, cursor string, max int) ([]entry, error) {
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
	var out []entry
	for len(out) < max {
		in.Limit = aws.Int32(int32(max - len(out)))
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "list "+partition)
		}
		for _, it := range res.Items {
			r := &reader{it: it}
			e := entry{id: r.str(attrGSK), partition: partition, integration: r.str(aIntegration), key: r.str(aDedupKey)}
			if r.err != nil || e.id == "" {
				return nil, corrupt(e.id, errors.Join(r.err, errors.New("an index entry without a ticket ID")))
			}
			if !s.expired(r.num(TTLAttribute)) {
				out = append(out, e)
			}
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	return out, nil
}
