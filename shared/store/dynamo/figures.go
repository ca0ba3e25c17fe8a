package dynamo

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// The hourly rollups (figures.Part) are items of their own: one per hour,
// integration and shard, holding every tier's counts and histogram bins
// as numbers named "<tier>_<field>" ("L1_entered", "L2_tta_37"). A change
// adds to its rollup with an UpdateItem (ADD) in the TransactWriteItems
// of the change itself: the change is written once, so it is counted
// once, however often its request or stream record is retried. The shard
// (figureShards, from the ticket ID) spreads a storm of new tickets over
// items, so that their transactions do not conflict on one. A report
// reads one Query per shard, of the hours in its window: a fixed number
// of reads for any number of tickets.
const (
	prefixFigures = "F#" // + the shard; the sort key is "<hour, Unix seconds, 10 digits>#<integration>"
	figureShards  = 32
)

// figurePK is the partition of the rollups of ticket id.
func figurePK(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return prefixFigures + strconv.Itoa(int(h.Sum32()%figureShards))
}

func figureSK(hour time.Time, integration string) string {
	return fmt.Sprintf("%010d#%s", hour.Unix(), integration)
}

// figureWrite is the update of the rollup that the change of ticket t,
// read as old, adds to, or nil when it counts nothing. Every part of a
// change is of one hour and integration, so it is one item.
func (s *Store) figureWrite(old, t *ticket.Ticket) *types.TransactWriteItem {
	parts := figures.Of(old, t)
	if len(parts) == 0 {
		return nil
	}
	add := map[string]int{}
	for _, p := range parts {
		for field, n := range p.Fields() {
			add[p.Tier.String()+"_"+field] += n
		}
	}
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	var terms []string
	for i, name := range slices.Sorted(maps.Keys(add)) {
		n, v := "#f"+strconv.Itoa(i), ":f"+strconv.Itoa(i)
		names[n], values[v] = name, number(add[name])
		terms = append(terms, n+" "+v)
	}
	key := item{attrPK: &types.AttributeValueMemberS{Value: figurePK(t.ID)},
		attrSK: &types.AttributeValueMemberS{Value: figureSK(parts[0].Hour, parts[0].Integration)}}
	return &types.TransactWriteItem{Update: &types.Update{TableName: s.table, Key: key,
		UpdateExpression: aws.String("ADD " + strings.Join(terms, ", ")), ExpressionAttributeNames: names, ExpressionAttributeValues: values}}
}

// Figures returns the rollups of the hours from since up to until (since
// ≤ hour < until), a part per hour, integration and tier: a Query of each
// shard, concurrently.
func (s *Store) Figures(ctx context.Context, since, until time.Time) ([]figures.Part, error) {
	found := make([][]figures.Part, figureShards)
	errs := make([]error, figureShards)
	var wg sync.WaitGroup
	for n := range figureShards {
		wg.Go(func() { found[n], errs[n] = s.figuresOf(ctx, prefixFigures+strconv.Itoa(n), since, until) })
	}
	wg.Wait()
	merged := map[figures.Key]*figures.Part{}
	var order []figures.Key
	for n := range figureShards {
		if errs[n] != nil {
			return nil, errs[n]
		}
		for _, p := range found[n] {
			if m, ok := merged[p.Key]; ok {
				m.Merge(p)
				continue
			}
			merged[p.Key] = &p
			order = append(order, p.Key)
		}
	}
	slices.SortFunc(order, func(a, b figures.Key) int {
		return strings.Compare(figureSK(a.Hour, a.Integration)+a.Tier.String(), figureSK(b.Hour, b.Integration)+b.Tier.String())
	})
	out := make([]figures.Part, 0, len(order))
	for _, k := range order {
		out = append(out, *merged[k])
	}
	return out, nil
}

// figuresOf reads the rollups of one shard in the window, page by page.
func (s *Store) figuresOf(ctx context.Context, pk string, since, until time.Time) ([]figures.Part, error) {
	in := &dynamodb.QueryInput{TableName: s.table,
		KeyConditionExpression:   aws.String("#pk = :pk AND #sk BETWEEN :from AND :to"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk},
			":from": &types.AttributeValueMemberS{Value: figureSK(since, "")},
			":to":   &types.AttributeValueMemberS{Value: figureSK(until.Add(-time.Second), "\U0010FFFF")}},
	}
	var out []figures.Part
	for p := dynamodb.NewQueryPaginator(s.db, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "read figures")
		}
		for _, it := range page.Items {
			parts, err := decodeFigures(it)
			if err != nil {
				return nil, ticket.Wrap(ticket.Internal, err, "dynamo store: read figures")
			}
			out = append(out, parts...)
		}
	}
	return out, nil
}

// decodeFigures splits a rollup item into its tiers' parts.
func decodeFigures(it map[string]types.AttributeValue) ([]figures.Part, error) {
	sk, _ := it[attrSK].(*types.AttributeValueMemberS)
	if sk == nil {
		return nil, fmt.Errorf("a rollup without its sort key")
	}
	hour, integration, ok := strings.Cut(sk.Value, "#")
	unix, err := strconv.ParseInt(hour, 10, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("rollup %q: not <hour>#<integration>", sk.Value)
	}
	fields := map[ticket.Tier]map[string]int{}
	for name, v := range it {
		if name == attrPK || name == attrSK {
			continue
		}
		tierName, field, _ := strings.Cut(name, "_")
		tier, err := ticket.ParseTier(tierName)
		num, isNum := v.(*types.AttributeValueMemberN)
		if err != nil || !isNum {
			return nil, fmt.Errorf("rollup %q: attribute %q is not a tier's count", sk.Value, name)
		}
		n, err := strconv.Atoi(num.Value)
		if err != nil {
			return nil, fmt.Errorf("rollup %q: attribute %q: %v", sk.Value, name, err)
		}
		if fields[tier] == nil {
			fields[tier] = map[string]int{}
		}
		fields[tier][field] = n
	}
	var out []figures.Part
	for _, tier := range ticket.Tiers {
		if fields[tier] == nil {
			continue
		}
		p, err := figures.FromFields(figures.Key{Hour: time.Unix(unix, 0).UTC(), Integration: integration, Tier: tier}, fields[tier])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
