package awstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Capacity tallies the DynamoDB capacity units the requests of a client
// would consume on an on-demand table, from the items they write and read
// and DynamoDB's published rules: a write is 1 WRU per KB of each item
// (2 in a transaction), a strongly consistent read 1 RRU per 4 KB (half
// that when eventually consistent), a query the sum of its items rounded
// up once, a batch read each item rounded up. A refused conditional write
// consumes its units too. minidyn does not report consumed capacity, so
// this computes it; item sizes follow DynamoDB's size rules closely, not
// exactly.
//
// With Table set, it also counts the writes of the table's global
// secondary indexes: a write that changes what an index holds of an item
// (its index keys, or a projected attribute) writes the index entry, 1
// WRU per KB of the entry, and one that moves the entry to other index
// keys deletes the old entry too. Index writes are counted as standard
// writes, also for a transaction's items. To know what changed it keeps
// what each index holds of every item written through the client.
type Capacity struct {
	// Table is the table the client writes, as created; nil counts no
	// index writes. Set it before the first request.
	Table *dynamodb.CreateTableInput

	mu            sync.Mutex
	wru, rru, idx float64
	entries       map[string]indexEntry // index name + item key → the entry
}

// indexEntry is what an index holds of an item: its index keys and its
// projected attributes.
type indexEntry struct {
	keys string
	size int
	all  string // every projected value, to tell a change
}

// Middleware returns the SDK middleware that tallies.
func (c *Capacity) Middleware() func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("awstest.Capacity",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				c.tally(in.Parameters, out.Result, err)
				return out, md, err
			}), middleware.After)
	}
}

func (c *Capacity) tally(params, result any, err error) {
	refused := refusedWrite(err)
	if err != nil && !refused {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch in := params.(type) {
	case *dynamodb.PutItemInput:
		c.wru += kb(size(in.Item), 1024)
		if !refused {
			c.indexPut(in.Item)
		}
	case *dynamodb.UpdateItemInput:
		n := 1
		if out, ok := result.(*dynamodb.UpdateItemOutput); ok && out != nil && len(out.Attributes) > 0 {
			n = size(out.Attributes) // the item after, when the request asked for it
		}
		c.wru += kb(n, 1024)
		if !refused {
			c.indexUpdate(aws.ToString(in.UpdateExpression), in.ExpressionAttributeNames)
		}
	case *dynamodb.DeleteItemInput:
		c.wru++
		if !refused {
			c.indexDelete(in.Key)
		}
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				c.wru += 2 * kb(size(it.Put.Item), 1024)
				if !refused {
					c.indexPut(it.Put.Item)
				}
			case it.Update != nil:
				c.wru += 2 // an update of a small item
				if !refused {
					c.indexUpdate(aws.ToString(it.Update.UpdateExpression), it.Update.ExpressionAttributeNames)
				}
			case it.Delete != nil:
				c.wru += 2
				if !refused {
					c.indexDelete(it.Delete.Key)
				}
			default:
				c.wru += 2 // a condition check
			}
		}
	case *dynamodb.BatchWriteItemInput:
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil {
					c.wru += kb(size(r.PutRequest.Item), 1024)
					c.indexPut(r.PutRequest.Item)
				} else {
					c.wru++ // a delete of a small item
					c.indexDelete(r.DeleteRequest.Key)
				}
			}
		}
	case *dynamodb.GetItemInput:
		if out, ok := result.(*dynamodb.GetItemOutput); ok {
			c.rru += consistency(in.ConsistentRead) * max(1, kb(size(out.Item), 4096))
		}
	case *dynamodb.BatchGetItemInput:
		if out, ok := result.(*dynamodb.BatchGetItemOutput); ok {
			for table, items := range out.Responses {
				for _, it := range items {
					c.rru += consistency(in.RequestItems[table].ConsistentRead) * max(1, kb(size(it), 4096))
				}
			}
		}
	case *dynamodb.QueryInput:
		if out, ok := result.(*dynamodb.QueryOutput); ok {
			total := 0
			for _, it := range out.Items {
				total += size(it)
			}
			c.rru += consistency(in.ConsistentRead) * max(1, kb(total, 4096))
		}
	}
}

// refusedWrite reports an error of a write DynamoDB refused after it
// evaluated it (a failed condition, a cancelled transaction): its units
// are consumed all the same.
func refusedWrite(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	var tce *types.TransactionCanceledException
	return errors.As(err, &ccf) || errors.As(err, &tce)
}

// indexPut counts the index writes of a put of item.
func (c *Capacity) indexPut(item map[string]types.AttributeValue) {
	if c.Table == nil {
		return
	}
	for _, g := range c.Table.GlobalSecondaryIndexes {
		name := aws.ToString(g.IndexName) + "\x00" + c.itemKey(item)
		old, had := c.entries[name]
		cur, has := project(g, c.Table.KeySchema, item)
		switch {
		case had && has && old == cur:
		case has:
			c.idx += kb(cur.size, 1024)
			if had && old.keys != cur.keys {
				c.idx++ // the entry under the old keys is deleted
			}
		case had:
			c.idx++
		}
		if c.entries == nil {
			c.entries = map[string]indexEntry{}
		}
		if has {
			c.entries[name] = cur
		} else {
			delete(c.entries, name)
		}
	}
}

// indexUpdate counts an update, whose resulting item the request does not
// show: one write of each index whose keys or projected attributes the
// expression names (of a small entry), none of the others.
func (c *Capacity) indexUpdate(expr string, names map[string]string) {
	if c.Table == nil {
		return
	}
	for _, g := range c.Table.GlobalSecondaryIndexes {
		if touches(g, expr, names) {
			c.idx++
		}
	}
}

// touches reports whether an update expression names an attribute that
// index g keys or projects (any, for ALL).
func touches(g types.GlobalSecondaryIndex, expr string, names map[string]string) bool {
	if g.Projection != nil && g.Projection.ProjectionType == types.ProjectionTypeAll {
		return true
	}
	attrs := map[string]bool{}
	for _, k := range g.KeySchema {
		attrs[aws.ToString(k.AttributeName)] = true
	}
	if g.Projection != nil {
		for _, a := range g.Projection.NonKeyAttributes {
			attrs[a] = true
		}
	}
	for _, field := range strings.FieldsFunc(expr, func(r rune) bool {
		return !(r == '#' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) {
		if name, ok := names[field]; ok {
			field = name
		}
		if attrs[field] {
			return true
		}
	}
	return false
}

// indexDelete counts the index deletes of a delete of the item at key.
func (c *Capacity) indexDelete(key map[string]types.AttributeValue) {
	if c.Table == nil {
		return
	}
	for _, g := range c.Table.GlobalSecondaryIndexes {
		name := aws.ToString(g.IndexName) + "\x00" + c.itemKey(key)
		if _, ok := c.entries[name]; ok {
			c.idx++
			delete(c.entries, name)
		}
	}
}

// itemKey names an item by the table's key attributes.
func (c *Capacity) itemKey(item map[string]types.AttributeValue) string {
	var b strings.Builder
	for _, k := range c.Table.KeySchema {
		b.WriteString(render(item[aws.ToString(k.AttributeName)]) + "\x00")
	}
	return b.String()
}

// project is what index g holds of item, if the item has its keys.
func project(g types.GlobalSecondaryIndex, table []types.KeySchemaElement, item map[string]types.AttributeValue) (indexEntry, bool) {
	var e indexEntry
	proj := map[string]types.AttributeValue{}
	for _, k := range g.KeySchema {
		v, ok := item[aws.ToString(k.AttributeName)]
		if !ok {
			return indexEntry{}, false
		}
		proj[aws.ToString(k.AttributeName)] = v
		e.keys += render(v) + "\x00"
	}
	for _, k := range table {
		proj[aws.ToString(k.AttributeName)] = item[aws.ToString(k.AttributeName)]
	}
	switch {
	case g.Projection != nil && g.Projection.ProjectionType == types.ProjectionTypeAll:
		proj = item
	case g.Projection != nil:
		for _, a := range g.Projection.NonKeyAttributes {
			if v, ok := item[a]; ok {
				proj[a] = v
			}
		}
	}
	e.size = size(proj)
	e.all = render(&types.AttributeValueMemberM{Value: proj})
	return e, true
}

// Take returns the units tallied so far, index writes included in wru,
// and resets them.
func (c *Capacity) Take() (wru, rru float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wru, rru = c.wru+c.idx, c.rru
	c.wru, c.rru, c.idx = 0, 0, 0
	return wru, rru
}

// Index returns the index writes tallied so far (part of Take's wru).
func (c *Capacity) Index() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.idx
}

// String formats units for a report.
func (c *Capacity) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%g WRU (%g of them index writes) %g RRU", c.wru+c.idx, c.idx, c.rru)
}

func consistency(strong *bool) float64 {
	if strong != nil && *strong {
		return 1
	}
	return 0.5
}

// kb rounds bytes up to whole units of unit bytes.
func kb(bytes, unit int) float64 { return float64((bytes + unit - 1) / unit) }
