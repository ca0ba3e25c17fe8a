package lambdatest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Capacity tallies the DynamoDB capacity units the requests of a client
// would consume on an on-demand table, from the items they write and read
// and DynamoDB's published rules: a write is 1 WRU per KB of each item
// (2 in a transaction), a strongly consistent read 1 RRU per 4 KB (half
// that when eventually consistent), a query the sum of its items rounded
// up once. minidyn does not report consumed capacity, so this computes
// it; item sizes follow DynamoDB's size rules closely, not exactly.
type Capacity struct {
	mu       sync.Mutex
	wru, rru float64
}

// Middleware returns the SDK middleware that tallies.
func (c *Capacity) Middleware() func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("lambdatest.Capacity",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if err == nil {
					c.tally(in.Parameters, out.Result)
				}
				return out, md, err
			}), middleware.After)
	}
}

func (c *Capacity) tally(params, result any) {
	var wru, rru float64
	switch in := params.(type) {
	case *dynamodb.PutItemInput:
		wru = kb(size(in.Item), 1024)
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				wru += 2 * kb(size(it.Put.Item), 1024)
			default:
				wru += 2 // updates, deletes, checks of small items
			}
		}
	case *dynamodb.BatchWriteItemInput:
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil {
					wru += kb(size(r.PutRequest.Item), 1024)
				} else {
					wru++ // a delete of a small item
				}
			}
		}
	case *dynamodb.GetItemInput:
		if out, ok := result.(*dynamodb.GetItemOutput); ok {
			rru = consistency(in.ConsistentRead) * max(1, kb(size(out.Item), 4096))
		}
	case *dynamodb.QueryInput:
		if out, ok := result.(*dynamodb.QueryOutput); ok {
			total := 0
			for _, it := range out.Items {
				total += size(it)
			}
			rru = consistency(in.ConsistentRead) * max(1, kb(total, 4096))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wru += wru
	c.rru += rru
}

// Take returns the units tallied so far and resets them.
func (c *Capacity) Take() (wru, rru float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wru, rru, c.wru, c.rru = c.wru, c.rru, 0, 0
	return wru, rru
}

// String formats units for a report.
func (c *Capacity) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%g WRU %g RRU", c.wru, c.rru)
}

func consistency(strong *bool) float64 {
	if strong != nil && *strong {
		return 1
	}
	return 0.5
}

// kb rounds bytes up to whole units of unit bytes.
func kb(bytes, unit int) float64 { return float64((bytes + unit - 1) / unit) }

// size is an item's size by DynamoDB's rules: each attribute's name and
// value; numbers about one byte per two digits plus one; lists and maps 3
// bytes plus a byte per element.
func size(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return (len(strings.Trim(strings.TrimLeft(v.Value, "-"), "0."))+1)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += (len(s)+1)/2 + 1
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, x := range v.Value {
			n += 1 + valueSize(x)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, x := range v.Value {
			n += 1 + len(k) + valueSize(x)
		}
		return n
	}
	return 0
}
