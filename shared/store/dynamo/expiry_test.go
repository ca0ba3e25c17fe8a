package dynamo_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a resolved ticket and its key's dedup item carry the TTL
// attribute (Retention after the resolution), that once it has passed
// they read as absent although minidyn, like DynamoDB for a while, still
// holds them, and that the key then opens a fresh ticket over the expired
// dedup item. A reopen clears the TTL.
func TestResolvedTicketsExpire(t *testing.T) {
	e := MustOpen(t)
	clock := &Clock{now: start}
	e.Store.Now, e.Store.Retention = clock.Now, time.Hour

	a := trigger(t, e.Store, "disk", start)
	resolvedAt := start.Add(time.Minute)
	mustUpdate(t, e.Store, a.ID, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "freed space", resolvedAt) })
	wantTTL := strconv.FormatInt(resolvedAt.Add(time.Hour).Unix(), 10)
	if got := attrN(rawItem(t, e.Client, "T#"+a.ID, "T"), dynamo.TTLAttribute); got != wantTTL {
		t.Fatalf("head %s = %q, want %s", dynamo.TTLAttribute, got, wantTTL)
	}
	if got := attrN(rawItem(t, e.Client, "K#4:prom#disk", "K"), dynamo.TTLAttribute); got != wantTTL {
		t.Fatalf("dedup item %s = %q, want %s", dynamo.TTLAttribute, got, wantTTL)
	}

	clock.Add(time.Minute + time.Hour - time.Second) // a second before expiry: still there
	if _, err := e.Store.Get(ctx, a.ID); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	clock.Add(2 * time.Second)
	_, err := e.Store.Get(ctx, a.ID)
	wantCode(t, err, ticket.NotFound)
	_, err = e.Store.Update(ctx, a.ID, func(*ticket.Ticket) error { return nil })
	wantCode(t, err, ticket.NotFound)
	if page, err := e.Store.List(ctx, store.Query{}); err != nil || len(page.Tickets) != 0 {
		t.Fatalf("List after expiry = %d tickets, %v; want none", len(page.Tickets), err)
	}
	if rawItem(t, e.Client, "T#"+a.ID, "T") == nil {
		t.Fatal("minidyn dropped the head; the test needs it present to show the store hides it")
	}

	b := trigger(t, e.Store, "disk", clock.Now())
	if b.ID == a.ID || b.Previous != "" || b.Version != 1 {
		t.Fatalf("alert after expiry gave %s (previous %q, version %d), want a new ticket that links nothing", b.ID, b.Previous, b.Version)
	}
	k := rawItem(t, e.Client, "K#4:prom#disk", "K")
	if attrS(k, "open") != b.ID || attrS(k, "latest") != b.ID || attrN(k, dynamo.TTLAttribute) != "" {
		t.Fatalf("dedup item after expiry = %v, want open and latest %s and no TTL", Keys([]map[string]types.AttributeValue{k}), b.ID)
	}

	mustUpdate(t, e.Store, b.ID, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "", clock.Now()) })
	mustUpdate(t, e.Store, b.ID, func(tk *ticket.Ticket) error {
		return tk.Reopen("alice", "back", place.Deadlines, clock.Now())
	})
	if h, k := rawItem(t, e.Client, "T#"+b.ID, "T"), rawItem(t, e.Client, "K#4:prom#disk", "K"); attrN(h, dynamo.TTLAttribute) != "" || attrN(k, dynamo.TTLAttribute) != "" {
		t.Fatalf("after reopening, head TTL %q and dedup TTL %q, want none", attrN(h, dynamo.TTLAttribute), attrN(k, dynamo.TTLAttribute))
	}
}

// Ensure Purge deletes the events left by an expired ticket and touches a
// live ticket not at all.
func TestPurgeRemovesWhatAnExpiredTicketLeft(t *testing.T) {
	e := MustOpen(t)
	clock := &Clock{now: start}
	e.Store.Now, e.Store.Retention = clock.Now, time.Hour
	gone := trigger(t, e.Store, "gone", start)
	mustUpdate(t, e.Store, gone.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "looked", start) })
	mustUpdate(t, e.Store, gone.ID, func(tk *ticket.Ticket) error { return tk.Resolve("bob", "", start) })
	live := trigger(t, e.Store, "live", start)
	mustUpdate(t, e.Store, live.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "looking", start) })

	if err := e.Store.Purge(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if got := partition(t, e.Client, "T#"+gone.ID); len(got) != 4 {
		t.Fatalf("Purge before expiry left %v, want the head and its 3 events untouched", got)
	}
	clock.Add(2 * time.Hour)
	for _, id := range []string{gone.ID, live.ID} {
		if err := e.Store.Purge(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if got := partition(t, e.Client, "T#"+gone.ID); len(got) != 0 {
		t.Fatalf("Purge after expiry left %v, want nothing", got)
	}
	if got := partition(t, e.Client, "T#"+live.ID); len(got) != 3 {
		t.Fatalf("Purge of an open ticket left %v, want its head and 2 events", got)
	}
}

// Ensure a head whose events do not all read (a write still in flight,
// or items lost) is never handed out with a short timeline: the store
// reads again, then gives up with Unavailable.
func TestShortTimelineIsNotHandedOut(t *testing.T) {
	e := MustOpen(t)
	tk := trigger(t, e.Store, "disk", start)
	mustUpdate(t, e.Store, tk.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "first", start) })
	mustUpdate(t, e.Store, tk.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "second", start) })
	if _, err := e.Client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "T#" + tk.ID}, "sk": &types.AttributeValueMemberS{Value: "E#000001"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Store.Get(ctx, tk.ID)
	wantCode(t, err, ticket.Unavailable)
	_, err = e.Store.Update(ctx, tk.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "third", start) })
	wantCode(t, err, ticket.Unavailable)
	if got := partition(t, e.Client, "T#"+tk.ID); len(got) != 3 {
		t.Fatalf("partition = %v, want the head and events 0 and 2 untouched", got)
	}
}
