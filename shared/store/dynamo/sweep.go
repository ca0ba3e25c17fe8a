package dynamo

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// The sweep index (IndexSweep) lists the heads of tickets by when they
// become suspects of the sweep (ticket.SweepAt): something that should
// have changed them (an escalation step, a hand-off's delivery) is late.
// It is sparse, holding only heads that await something, and keys only
// (the sweep reads the ticket itself, strongly consistent), so a write
// that changes neither key attribute (a repeat of the alert) writes
// nothing to it. Its partitions are sweepShards shards of the ticket IDs,
// so that a storm of new tickets spreads its index writes; the sort key is
// the Unix second the ticket becomes a suspect, so that a sweep reads
// the suspects of each shard (sweep_at up to now) and nothing else.
const (
	attrSweepPK = "swp"      // index partition: "S<n>", n a shard of the ID
	attrSweepAt = "sweep_at" // index sort key: Unix seconds, a number

	// IndexSweep is the global secondary index of suspects for the sweep.
	IndexSweep = "Sweep"

	sweepShards = 16
)

// sweepShard is the index partition of a ticket.
func sweepShard(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return "S" + strconv.Itoa(int(h.Sum32()%sweepShards))
}

// sweep sets the sweep index keys of a head, or leaves them out when the
// ticket awaits nothing.
func (it item) sweep(t *ticket.Ticket) {
	at := t.SweepAt()
	if at.IsZero() {
		return
	}
	it.str(attrSweepPK, sweepShard(t.ID))
	it[attrSweepAt] = &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Unix(), 10)}
}

// Suspects returns the IDs of up to limit tickets that became suspects of
// the sweep at or before before, the longest overdue of each shard first.
// It reads the sweep index only, one Query per shard, concurrently: a
// ticket that awaits nothing yet is not read at all. The index is
// eventually consistent, so the caller reads each ticket again (strongly)
// before it acts, and may find it has moved on.
func (s *Store) Suspects(ctx context.Context, before time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 100
	}
	per := (limit + sweepShards - 1) / sweepShards
	found := make([][]string, sweepShards)
	errs := make([]error, sweepShards)
	var wg sync.WaitGroup
	for n := range sweepShards {
		wg.Go(func() { found[n], errs[n] = s.suspects(ctx, "S"+strconv.Itoa(n), before, per) })
	}
	wg.Wait()
	var ids []string
	for n := range sweepShards {
		if errs[n] != nil {
			return nil, errs[n]
		}
		ids = append(ids, found[n]...)
	}
	return ids, nil
}

// suspects queries one shard of the sweep index.
func (s *Store) suspects(ctx context.Context, shard string, before time.Time, max int) ([]string, error) {
	in := &dynamodb.QueryInput{
		TableName:                s.table,
		IndexName:                aws.String(IndexSweep),
		KeyConditionExpression:   aws.String("#p = :p AND #at <= :at"),
		ExpressionAttributeNames: map[string]string{"#p": attrSweepPK, "#at": attrSweepAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p":  &types.AttributeValueMemberS{Value: shard},
			":at": &types.AttributeValueMemberN{Value: strconv.FormatInt(before.Unix(), 10)},
		},
		Limit: aws.Int32(int32(max)),
	}
	var ids []string
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "query the sweep index")
		}
		for _, it := range out.Items {
			if id, ok := strings.CutPrefix((&reader{it: it}).str(attrPK), prefixTick); ok && len(ids) < max {
				ids = append(ids, id)
			}
		}
		if len(ids) >= max || out.LastEvaluatedKey == nil {
			return ids, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
