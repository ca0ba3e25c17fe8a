package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// MaxCount is the most index entries Unresolved reads of one partition
// (a kind, tier and status): a count at it means "at least MaxCount".
const MaxCount = 50000

// Unresolved counts the open and acknowledged tickets of each tier, of
// integration alone unless it is "", from the ByTierStatus index: its
// partitions of each kind, tier and status, oldest first (IDs sort by
// creation), stopped at MaxCount entries each. Only the keys are read
// (and the projected integration, to filter by).
func (s *Store) Unresolved(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error) {
	out := map[ticket.Tier]figures.Unresolved{}
	for _, tier := range ticket.Tiers {
		var u figures.Unresolved
		for _, kind := range []ticket.Kind{ticket.KindIncident, ticket.KindProblem} {
			for _, st := range []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged} {
				n, oldest, err := s.countPartition(ctx, indexPK(kind, tier, st), integration)
				if err != nil {
					return nil, err
				}
				if st == ticket.StatusOpen {
					u.Open += n
				} else {
					u.Acknowledged += n
				}
				if oldest != "" && (u.Oldest.IsZero() || ticket.IDTime(oldest).Before(u.Oldest)) {
					u.Oldest = ticket.IDTime(oldest)
				}
			}
		}
		out[tier] = u
	}
	return out, nil
}

// countPartition counts the unexpired entries of one ByTierStatus
// partition (of integration, unless ""), up to MaxCount, and returns the
// oldest's ID.
func (s *Store) countPartition(ctx context.Context, partition, integration string) (int, string, error) {
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(IndexByTierStatus),
		KeyConditionExpression:    aws.String("#p = :p"),
		ProjectionExpression:      aws.String("#s, #i, #x"),
		ExpressionAttributeNames:  map[string]string{"#p": attrGPK, "#s": attrGSK, "#i": aIntegration, "#x": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: partition}},
		ScanIndexForward:          aws.Bool(true),
	}
	n, oldest := 0, ""
	for p := dynamodb.NewQueryPaginator(s.db, in); p.HasMorePages() && n < MaxCount; {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, "", classify(err, "count "+partition)
		}
		for _, it := range page.Items {
			r := &reader{it: it}
			if (integration != "" && r.str(aIntegration) != integration) || s.expired(r.num(TTLAttribute)) {
				continue
			}
			if n++; oldest == "" {
				oldest = r.str(attrGSK)
			}
		}
	}
	return min(n, MaxCount), oldest, nil
}
