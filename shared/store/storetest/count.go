package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// count is the desk's storm rule in miniature: count a repeat with Count
// (where the store is a store.Counter), or, when it refuses or there is
// none, write it with Upsert as ingest does. It
// reports whether Count counted it.
func count(t testing.TB, s store.Store, key string, r store.Repeat) (id string, counted bool) {
	t.Helper()
	id, counted, err := countOrWrite(t, s, key, r)
	if err != nil {
		t.Fatal(err)
	}
	return id, counted
}

// countingStore is a store with a storm path.
type countingStore interface {
	store.Store
	store.Counter
}

func countOrWrite(t testing.TB, s store.Store, key string, r store.Repeat) (string, bool, error) {
	if c, counts := s.(store.Counter); counts {
		id, _, ok, err := c.Count(ctx, "prom", key, r)
		if err != nil || ok {
			return id, ok, err
		}
	}
	got, err := s.Upsert(ctx, "prom", key, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest == nil || latest.Status == ticket.StatusResolved {
			return newTicket(t, "prom", key, r.At, latest), nil
		}
		return latest, latest.Occur(r.Signal(), r.At)
	})
	if err != nil {
		return "", false, err
	}
	return got.ID, false, nil
}

// occurred lists the counts of a ticket's "occurred" events.
func occurred(tk *ticket.Ticket) []int {
	var out []int
	for _, e := range tk.Timeline {
		if e.Kind == ticket.EventOccurred {
			out = append(out, e.Count)
		}
	}
	return out
}

func testCountCounts(t *testing.T, s countingStore) {
	tk := ingest(t, s, "prom", "disk", start)
	for i := 2; i <= 3; i++ {
		at := start.Add(time.Duration(i) * time.Minute)
		id, n, ok, err := s.Count(ctx, "prom", "disk", store.Repeat{Description: tk.Description, At: at})
		if err != nil || !ok || id != tk.ID || n != i {
			t.Fatalf("Count #%d = %s, %d, ok %v, %v; want %s, %d, ok", i, id, n, ok, err, tk.ID, i)
		}
	}
	got := mustGet(t, s, tk.ID)
	if got.Occurrences != 3 || !got.LastSeen.Equal(start.Add(3*time.Minute)) {
		t.Fatalf("after two counts: Occurrences=%d LastSeen=%v, want 3 at %v", got.Occurrences, got.LastSeen, start.Add(3*time.Minute))
	}
	if m := occurred(got); len(m) != 1 || m[0] != 2 {
		t.Fatalf("occurred events at %v, want one, at the 2nd occurrence", m)
	}
	page, err := s.List(ctx, store.Query{Tier: ticket.L1, Status: ticket.StatusOpen})
	if err != nil || len(page.Tickets) != 1 || page.Tickets[0].Occurrences != 3 || !page.Tickets[0].LastSeen.Equal(got.LastSeen) {
		t.Fatalf("List = %+v, %v; want the ticket with 3 occurrences", page.Tickets, err)
	}
}

func testCountRefuses(t *testing.T, s countingStore) {
	if _, _, ok, err := s.Count(ctx, "prom", "none", store.Repeat{At: start}); ok || err != nil {
		t.Fatalf("Count of a key without tickets = ok %v, %v; want refused", ok, err)
	}
	tk := ingest(t, s, "prom", "disk", start)
	for _, r := range []store.Repeat{
		{Description: "now at 99%", At: start},
		{Details: map[string]any{"used": "99%"}, At: start},
	} {
		if _, _, ok, err := s.Count(ctx, "prom", "disk", r); ok || err != nil {
			t.Fatalf("Count(%+v) = ok %v, %v; want refused: it changes the ticket", r, ok, err)
		}
	}
	if got := mustGet(t, s, tk.ID); got.Version != 1 || got.Occurrences != 1 {
		t.Fatalf("after refused counts: Version=%d Occurrences=%d, want 1 and 1", got.Version, got.Occurrences)
	}
	if _, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { return t.Resolve("alice", "", start) }); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := s.Count(ctx, "prom", "disk", store.Repeat{At: start}); ok || err != nil {
		t.Fatalf("Count after resolve = ok %v, %v; want refused: a repeat opens a new ticket", ok, err)
	}
}

// testCountKeepsTheCount ensures counts and whole writes of a ticket add
// up, in any order: a count after an update, an update after counts, and
// the resolved ticket keeping its final count.
func testCountKeepsTheCount(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "disk", start)
	for range 4 {
		count(t, s, "disk", store.Repeat{At: start})
	}
	acked, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { return t.Acknowledge("alice", place.Deadlines, start) })
	if err != nil || acked.Occurrences != 5 {
		t.Fatalf("Update after counts = %d occurrences, %v; want 5", acked.Occurrences, err)
	}
	ingest(t, s, "prom", "disk", start) // a whole write of a repeat: the 6th
	for range 3 {
		count(t, s, "disk", store.Repeat{At: start})
	}
	resolved, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { return t.Resolve("alice", "", start) })
	if err != nil || resolved.Occurrences != 9 {
		t.Fatalf("Resolve = %d occurrences, %v; want 9", resolved.Occurrences, err)
	}
	if got := mustGet(t, s, tk.ID); got.Occurrences != 9 || got.Status != ticket.StatusResolved {
		t.Fatalf("resolved ticket: %s with %d occurrences, want resolved with 9", got.Status, got.Occurrences)
	}
}

func testCountMilestonesOnce(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "disk", start)
	for range 99 {
		if id, _ := count(t, s, "disk", store.Repeat{At: start}); id != tk.ID {
			t.Fatalf("counted on %s, want %s", id, tk.ID)
		}
	}
	got := mustGet(t, s, tk.ID)
	if m := occurred(got); got.Occurrences != 100 || len(m) != 3 || m[0] != 2 || m[1] != 10 || m[2] != 100 {
		t.Fatalf("after 100 occurrences: %d counted, occurred events at %v; want 100 and events at 2, 10, 100", got.Occurrences, m)
	}
}

// testConcurrentCounts is the alert storm: hundreds of repeats of one key
// at once, some with a new description (which Count refuses, so they
// take the whole write). Nothing is lost, and each milestone is on the
// timeline once (racing repeats may record two milestones in either
// order).
func testConcurrentCounts(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "storm", start)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := store.Repeat{At: start.Add(time.Duration(i) * time.Millisecond)}
			if i%10 == 0 {
				r.Description = "changed" // refused by Count: the whole write
			}
			if _, _, err := countOrWrite(t, s, "storm", r); err != nil {
				t.Errorf("repeat %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got := mustGet(t, s, tk.ID)
	m := occurred(got)
	slices.Sort(m)
	if got.Occurrences != n+1 || len(m) != 3 || m[0] != 2 || m[1] != 10 || m[2] != 100 {
		t.Fatalf("after %d racing repeats: %d occurrences, occurred events at %v; want %d and events at 2, 10, 100", n, got.Occurrences, m, n+1)
	}
}
