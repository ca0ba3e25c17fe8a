package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// maxBatchGet is how many keys one BatchGetItem takes.
const maxBatchGet = 100

// fetch reads the tickets of index entries, in their order: each head,
// and the dedup item of each ticket listed as unresolved. A ticket whose
// head is gone or expired, or that left the entry's partition since the
// index was read (the index is eventually consistent), is left out.
func (s *Store) fetch(ctx context.Context, entries []entry) ([]*ticket.Ticket, error) {
	var keys []item
	seen := map[string]bool{}
	add := func(k item) {
		if name := keyName(k); !seen[name] {
			seen[name] = true
			keys = append(keys, k)
		}
	}
	for _, e := range entries {
		add(headKey(e.id))
		if !e.resolved() && e.integration != "" {
			add(dedupKey(e.integration, e.key))
		}
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*ticket.Ticket, 0, len(entries))
	for _, e := range entries {
		it := items[keyName(headKey(e.id))]
		if it == nil {
			continue
		}
		h, err := decodeHead(it)
		if err != nil {
			return nil, corrupt(e.id, err)
		}
		if s.expired(h.expires) || indexPK(h.t.Kind, h.t.Tier, h.t.Status) != e.partition {
			continue
		}
		if it := items[keyName(dedupKey(h.t.Integration, h.t.DedupKey))]; it != nil {
			d, err := decodeDedup(it)
			if err != nil {
				return nil, ticket.Wrap(ticket.Internal, err, "dynamo store: undecodable dedup item of "+h.t.DedupKey)
			}
			dedupRead{dedup: d, found: !s.expired(d.expires)}.countOn(h.t)
		}
		out = append(out, h.t)
	}
	return out, nil
}

func (e entry) resolved() bool {
	return strings.HasSuffix(e.partition, "#"+string(ticket.StatusResolved))
}

// keyName names an item by its keys, for lookups.
func keyName(k map[string]types.AttributeValue) string {
	r := &reader{it: k}
	return r.str(attrPK) + "\x00" + r.str(attrSK)
}

// batchGet reads items by key with strongly consistent BatchGetItems of
// maxBatchGet keys, sending again what DynamoDB leaves unprocessed (it
// does under load), and returns them by keyName. Missing items are
// missing from the map.
func (s *Store) batchGet(ctx context.Context, keys []item) (map[string]map[string]types.AttributeValue, error) {
	out := make(map[string]map[string]types.AttributeValue, len(keys))
	for start := 0; start < len(keys); start += maxBatchGet {
		chunk := make([]map[string]types.AttributeValue, 0, maxBatchGet)
		for _, k := range keys[start:min(start+maxBatchGet, len(keys))] {
			chunk = append(chunk, k)
		}
		for try := 0; len(chunk) > 0; try++ {
			if try == 5 {
				return nil, ticket.Errorf(ticket.Unavailable, "list: %d reads left unprocessed after %d tries", len(chunk), try)
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				*s.table: {Keys: chunk, ConsistentRead: aws.Bool(true)}}})
			if err != nil {
				return nil, classify(err, fmt.Sprintf("read %d tickets", len(chunk)))
			}
			for _, it := range res.Responses[*s.table] {
				out[keyName(it)] = it
			}
			if chunk = res.UnprocessedKeys[*s.table].Keys; len(chunk) > 0 {
				select {
				case <-ctx.Done():
					return nil, classify(ctx.Err(), "list")
				case <-time.After(20 * time.Millisecond << try):
				}
			}
		}
	}
	return out, nil
}
