package dynamo_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure Suspects returns exactly the tickets that became suspects by the
// time given, from every shard, and that a ticket leaves the index when
// it awaits nothing more (resolved) and moves in it when what it awaits
// changes (its hand-off delivered: now its step is awaited).
func TestSuspects(t *testing.T) {
	e := MustOpen(t)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 40 { // enough to land in every shard
		ids = append(ids, trigger(t, e.Store, "key-"+string(rune('a'+i%26))+string(rune('a'+i/26)), at).ID)
	}
	slices.Sort(ids)
	suspects := func(before time.Time) []string {
		t.Helper()
		got, err := e.Store.Suspects(ctx, before, 1000)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		return got
	}
	if got := suspects(at.Add(ticket.SweepGrace - time.Second)); len(got) != 0 {
		t.Fatalf("suspects before any hand-off is late: %v, want none", got)
	}
	if got := suspects(at.Add(ticket.SweepGrace)); !slices.Equal(got, ids) {
		t.Fatalf("suspects once every hand-off is late: %d of %d tickets", len(got), len(ids))
	}

	mustUpdate(t, e.Store, ids[0], func(tk *ticket.Ticket) error { return tk.Resolve("ann", "fixed", at.Add(time.Minute)) })
	mustUpdate(t, e.Store, ids[1], func(tk *ticket.Ticket) error {
		tk.RecordDelivery(tk.Notices, "l1-hook", at.Add(time.Second))
		return nil
	})
	if got := suspects(at.Add(ticket.SweepGrace)); !slices.Equal(got, ids[2:]) {
		t.Fatalf("suspects after one resolved and one delivered: %v, want all but those two", got)
	}
	if got := suspects(at.Add(15*time.Minute + ticket.SweepGrace)); !slices.Equal(got, ids[1:]) {
		t.Fatalf("suspects once the delivered one's step is late too: %v, want all but the resolved one", got)
	}
	if got, err := e.Store.Suspects(ctx, at.Add(time.Hour), 16); err != nil || len(got) > 16 {
		t.Fatalf("Suspects limit 16: %d (%v), want at most 16", len(got), err)
	}
}

// Ensure the sweep index reads only suspects: with one suspect among many
// tickets, Suspects makes one Query per shard and reads no item of the
// table itself; and a repeat of an alert (a head write that changes
// neither index key) leaves the ticket where it is.
func TestSuspectsReadOnlySuspects(t *testing.T) {
	var counter awstest.Counter
	e := MustOpen(t, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, counter.Middleware()) })
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	late := trigger(t, e.Store, "late", at)
	for i := range 20 {
		trigger(t, e.Store, "fresh-"+string(rune('a'+i)), at.Add(time.Hour))
	}
	trigger(t, e.Store, "late", at.Add(time.Minute)) // a repeat
	counter.Reset()
	got, err := e.Store.Suspects(ctx, at.Add(ticket.SweepGrace), 100)
	if err != nil || len(got) != 1 || got[0] != late.ID {
		t.Fatalf("Suspects = %v (%v), want only %s", got, err, late.ID)
	}
	if c := counter.Counts(); c["DynamoDB.Query"] != 16 || len(c) != 1 {
		t.Fatalf("requests %v, want 16 Queries of the index and nothing else", c)
	}
}
