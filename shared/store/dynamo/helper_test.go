package dynamo_test

import (
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Clock is a controlled clock for the store's expiry checks.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

var place = ticket.Placement{Tier: ticket.L1, Policy: "default",
	Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}}

// trigger is the desk's trigger rule in miniature: open a ticket of key at
// now (following a resolved one), or count an occurrence on the open one.
func trigger(t testing.TB, s store.Store, key string, now time.Time) *ticket.Ticket {
	t.Helper()
	got, err := s.Upsert(ctx, "prom", key, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest != nil && latest.Status != ticket.StatusResolved {
			return latest, latest.Occur(ticket.Signal{}, now)
		}
		id, err := ticket.NewID(now, rand.Reader)
		if err != nil {
			return nil, err
		}
		return ticket.New(id, "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: "disk full on " + key}, place, latest, now)
	})
	if err != nil {
		t.Fatalf("Upsert(%s): %v", key, err)
	}
	return got
}

func mustUpdate(t testing.TB, s store.Store, id string, fn func(*ticket.Ticket) error) *ticket.Ticket {
	t.Helper()
	got, err := s.Update(ctx, id, fn)
	if err != nil {
		t.Fatalf("Update(%s): %v", id, err)
	}
	return got
}

func wantCode(t testing.TB, err error, code ticket.Code) {
	t.Helper()
	if got := ticket.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

// rawItem reads one item by key with the given client, nil if absent.
func rawItem(t testing.TB, db *dynamodb.Client, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}})
	if err != nil {
		t.Fatalf("GetItem(%s %s): %v", pk, sk, err)
	}
	return out.Item
}

// partition returns the sort keys of a partition's items.
func partition(t testing.TB, db *dynamodb.Client, pk string) []string {
	t.Helper()
	out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}})
	if err != nil {
		t.Fatalf("Query(%s): %v", pk, err)
	}
	var sks []string
	for _, it := range out.Items {
		sks = append(sks, it["sk"].(*types.AttributeValueMemberS).Value)
	}
	return sks
}

func attrN(it map[string]types.AttributeValue, name string) string {
	if n, ok := it[name].(*types.AttributeValueMemberN); ok {
		return n.Value
	}
	return ""
}

func attrS(it map[string]types.AttributeValue, name string) string {
	if s, ok := it[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
