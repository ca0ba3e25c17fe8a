// Package storetest is the contract every store.Store adapter passes: the
// same tests run against the SQLite store and the DynamoDB store, so that
// the local runtime and AWS keep tickets the same way.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Run runs the contract against stores made by open, which must return a
// new, empty store for each call.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"get_missing_ticket_is_not_found", testGetMissing},
		{"upsert_creates_then_counts_occurrences", testUpsertCreatesThenCounts},
		{"upsert_nil_stores_nothing", testUpsertNil},
		{"upsert_closure_error_is_returned_and_stores_nothing", testUpsertError},
		{"upsert_after_resolve_sees_the_resolved_ticket", testUpsertAfterResolve},
		{"upsert_second_open_ticket_of_a_key_conflicts", testUpsertSecondOpen},
		{"upsert_prefers_the_open_ticket_to_a_newer_resolved_one", testUpsertPrefersOpen},
		{"concurrent_upserts_of_one_key_make_one_ticket", testConcurrentUpserts},
		{"concurrent_updates_lose_nothing", testConcurrentUpdates},
		{"update_missing_ticket_is_not_found", testUpdateMissing},
		{"update_closure_error_stores_nothing", testUpdateError},
		{"update_skip_stores_nothing", testUpdateSkip},
		{"reopen_beside_an_open_ticket_of_the_key_conflicts", testReopenConflict},
		{"every_field_and_event_round_trips", testRoundTrip},
		{"list_filters_newest_first_with_cursor", testList},
		{"list_refuses_a_bad_cursor", testListBadCursor},
		{"upsert_all_stores_every_write", testUpsertAllStoresEveryWrite},
		{"upsert_all_applies_writes_of_one_key_in_order", testUpsertAllInOrder},
		{"upsert_all_third_closure_error_stores_nothing", testUpsertAllClosureError},
		{"upsert_all_third_write_refused_stores_nothing", testUpsertAllStoreRefusal},
		{"upsert_all_of_writes_that_store_nothing", testUpsertAllNothing},
		{"upsert_all_same_request_again_counts_again", testUpsertAllAgain},
		{"concurrent_upsert_alls_make_one_open_ticket_per_key", testConcurrentUpsertAlls},
		{"count_and_whole_writes_keep_one_count", testCountKeepsTheCount},
		{"count_records_each_milestone_once", testCountMilestonesOnce},
		{"concurrent_counts_of_one_key_lose_nothing", testConcurrentCounts},
		{"the_largest_ticket_fits_and_one_over_is_refused", testSizeBounds},
	}
	for _, tc := range append(append(tests, problemCases...), figureCases...) {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
	if _, counts := open(t).(countingStore); !counts {
		return // the storm cases above still run, through Upsert
	}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s countingStore)
	}{
		{"count_counts_on_the_open_ticket", testCountCounts},
		{"count_refuses_what_it_cannot_count", testCountRefuses},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t).(countingStore)) })
	}
}

var (
	ctx   = context.Background()
	start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	place = ticket.Placement{Tier: ticket.L1, Policy: "default",
		Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}}
)

// newTicket opens a ticket of (integration, key) at now.
func newTicket(t testing.TB, integration, key string, now time.Time, prev *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	id, err := ticket.NewID(now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := ticket.New(id, integration, ticket.Signal{Action: ticket.Trigger, DedupKey: key,
		Title: "disk full on " + key, Severity: "warning"}, place, prev, now)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// ingest is the desk's trigger rule in miniature: open a ticket, or count
// an occurrence on the open one.
func ingest(t testing.TB, s store.Store, integration, key string, now time.Time) *ticket.Ticket {
	t.Helper()
	got, err := s.Upsert(ctx, integration, key, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest == nil || latest.Status == ticket.StatusResolved {
			return newTicket(t, integration, key, now, latest), nil
		}
		return latest, latest.Occur(ticket.Signal{Title: "again"}, now)
	})
	if err != nil {
		t.Fatalf("Upsert(%s, %s): %v", integration, key, err)
	}
	return got
}

func mustGet(t testing.TB, s store.Store, id string) *ticket.Ticket {
	t.Helper()
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return got
}

func wantCode(t testing.TB, err error, code ticket.Code) {
	t.Helper()
	if got := ticket.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func testGetMissing(t *testing.T, s store.Store) {
	_, err := s.Get(ctx, "0000000000000z")
	wantCode(t, err, ticket.NotFound)
}

func testUpsertCreatesThenCounts(t *testing.T, s store.Store) {
	first := ingest(t, s, "prom", "disk", start)
	if first.Version != 1 || first.Occurrences != 1 {
		t.Fatalf("first write: Version=%d Occurrences=%d, want 1 and 1", first.Version, first.Occurrences)
	}
	second := ingest(t, s, "prom", "disk", start.Add(time.Minute))
	if second.ID != first.ID {
		t.Fatalf("repeat made ticket %s, want the open ticket %s", second.ID, first.ID)
	}
	got := mustGet(t, s, first.ID)
	if got.Occurrences != 2 || got.Version != 2 || !got.LastSeen.Equal(start.Add(time.Minute)) {
		t.Fatalf("after repeat: Occurrences=%d Version=%d LastSeen=%v, want 2, 2, %v", got.Occurrences, got.Version, got.LastSeen, start.Add(time.Minute))
	}
	if n := len(got.Timeline); n != 2 || got.Timeline[0].Kind != ticket.EventCreated || got.Timeline[1].Kind != ticket.EventOccurred {
		t.Fatalf("timeline = %+v, want created then occurred", got.Timeline)
	}
	other := ingest(t, s, "other-integration", "disk", start)
	if other.ID == first.ID {
		t.Fatalf("the same key of another integration reused ticket %s", first.ID)
	}
}

func testUpsertNil(t *testing.T, s store.Store) {
	got, err := s.Upsert(ctx, "prom", "quiet", func(latest *ticket.Ticket) (*ticket.Ticket, error) { return nil, nil })
	if err != nil || got != nil {
		t.Fatalf("Upsert returning nil = %v, %v; want nil, nil", got, err)
	}
	if page, err := s.List(ctx, store.Query{}); err != nil || len(page.Tickets) != 0 {
		t.Fatalf("List = %d tickets, %v; want none", len(page.Tickets), err)
	}
}

func testUpsertError(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	_, err := s.Upsert(ctx, "prom", "disk", func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		return newTicket(t, "prom", "disk", start, nil), boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Upsert error = %v, want the closure's error", err)
	}
	if page, _ := s.List(ctx, store.Query{}); len(page.Tickets) != 0 {
		t.Fatalf("a failed Upsert stored %d tickets", len(page.Tickets))
	}
}

func testUpsertAfterResolve(t *testing.T, s store.Store) {
	first := ingest(t, s, "prom", "disk", start)
	if _, err := s.Update(ctx, first.ID, func(tk *ticket.Ticket) error {
		return tk.Resolve("alice", "freed space", start.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	var seen *ticket.Ticket
	second, err := s.Upsert(ctx, "prom", "disk", func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		seen = latest
		return newTicket(t, "prom", "disk", start.Add(2*time.Minute), latest), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == nil || seen.ID != first.ID || seen.Status != ticket.StatusResolved {
		t.Fatalf("closure saw %+v, want resolved ticket %s", seen, first.ID)
	}
	if second.ID == first.ID || mustGet(t, s, second.ID).Previous != first.ID {
		t.Fatalf("new ticket %s does not link resolved %s", second.ID, first.ID)
	}
	if third := ingest(t, s, "prom", "disk", start.Add(3*time.Minute)); third.ID != second.ID {
		t.Fatalf("repeat went to %s, want the newest ticket %s", third.ID, second.ID)
	}
}

func testUpsertSecondOpen(t *testing.T, s store.Store) {
	first := ingest(t, s, "prom", "disk", start)
	_, err := s.Upsert(ctx, "prom", "disk", func(*ticket.Ticket) (*ticket.Ticket, error) {
		return newTicket(t, "prom", "disk", start.Add(time.Second), nil), nil
	})
	wantCode(t, err, ticket.Conflict)
	if page, _ := s.List(ctx, store.Query{}); len(page.Tickets) != 1 || page.Tickets[0].ID != first.ID {
		t.Fatalf("after the refused write the store holds %d tickets, want only %s", len(page.Tickets), first.ID)
	}
}

func testUpsertPrefersOpen(t *testing.T, s store.Store) {
	resolve := func(id string, at time.Time) {
		t.Helper()
		if _, err := s.Update(ctx, id, func(t *ticket.Ticket) error { return t.Resolve("alice", "", at) }); err != nil {
			t.Fatal(err)
		}
	}
	a := ingest(t, s, "prom", "disk", start)
	resolve(a.ID, start.Add(time.Minute))
	b := ingest(t, s, "prom", "disk", start.Add(2*time.Minute))
	resolve(b.ID, start.Add(3*time.Minute))
	if _, err := s.Update(ctx, a.ID, func(t *ticket.Ticket) error {
		return t.Reopen("alice", "came back", place.Deadlines, start.Add(4*time.Minute))
	}); err != nil {
		t.Fatalf("reopening the older ticket while no other is open: %v", err)
	}
	if got := ingest(t, s, "prom", "disk", start.Add(5*time.Minute)); got.ID != a.ID || got.Occurrences != 2 {
		t.Fatalf("repeat went to %s (%d occurrences), want the reopened ticket %s", got.ID, got.Occurrences, a.ID)
	}
}

func testConcurrentUpserts(t *testing.T, s store.Store) {
	const n = 200
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.Upsert(ctx, "prom", "storm", func(latest *ticket.Ticket) (*ticket.Ticket, error) {
				now := start.Add(time.Duration(i) * time.Millisecond)
				if latest == nil {
					return newTicket(t, "prom", "storm", now, nil), nil
				}
				return latest, latest.Occur(ticket.Signal{}, now)
			})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Upsert: %v", err)
		}
	}
	page, err := s.List(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tickets) != 1 {
		t.Fatalf("%d concurrent upserts made %d tickets, want 1", n, len(page.Tickets))
	}
	if got := mustGet(t, s, page.Tickets[0].ID); got.Occurrences != n {
		t.Fatalf("Occurrences = %d, want %d", got.Occurrences, n)
	}
}

func testConcurrentUpdates(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "disk", start)
	const n = 50
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error {
				return t.AddNote("bob", fmt.Sprintf("note %d", i), start)
			})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Update: %v", err)
		}
	}
	got := mustGet(t, s, tk.ID)
	notes := map[string]bool{}
	for _, e := range got.Timeline {
		if e.Kind == ticket.EventNoted {
			notes[e.Note] = true
		}
	}
	if len(notes) != n || got.Version != n+1 {
		t.Fatalf("%d distinct notes at Version %d, want %d at %d", len(notes), got.Version, n, n+1)
	}
}

func testUpdateMissing(t *testing.T, s store.Store) {
	_, err := s.Update(ctx, "0000000000000z", func(*ticket.Ticket) error { return nil })
	wantCode(t, err, ticket.NotFound)
}

func testUpdateError(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "disk", start)
	if _, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { return t.Acknowledge("alice", place.Deadlines, start) }); err != nil {
		t.Fatal(err)
	}
	_, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error {
		t.Title = "changed"
		return t.Acknowledge("bob", place.Deadlines, start) // refused: already acknowledged
	})
	wantCode(t, err, ticket.Conflict)
	got := mustGet(t, s, tk.ID)
	if got.Title == "changed" || got.Version != 2 || got.Assignee != "alice" {
		t.Fatalf("after a refused update: Title=%q Version=%d Assignee=%q, want the first update only", got.Title, got.Version, got.Assignee)
	}
}

func testUpdateSkip(t *testing.T, s store.Store) {
	tk := ingest(t, s, "prom", "disk", start)
	got, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { return store.ErrSkip })
	if err != nil || got == nil || got.ID != tk.ID || got.Version != 1 {
		t.Fatalf("Update with ErrSkip = %+v, %v; want the ticket at Version 1", got, err)
	}
	if v := mustGet(t, s, tk.ID).Version; v != 1 {
		t.Fatalf("Version = %d after ErrSkip, want 1", v)
	}
}

func testReopenConflict(t *testing.T, s store.Store) {
	first := ingest(t, s, "prom", "disk", start)
	if _, err := s.Update(ctx, first.ID, func(t *ticket.Ticket) error { return t.Resolve("alice", "", start) }); err != nil {
		t.Fatal(err)
	}
	ingest(t, s, "prom", "disk", start.Add(time.Minute))
	_, err := s.Update(ctx, first.ID, func(t *ticket.Ticket) error {
		return t.Reopen("alice", "came back", place.Deadlines, start.Add(2*time.Minute))
	})
	wantCode(t, err, ticket.Conflict)
	if got := mustGet(t, s, first.ID); got.Status != ticket.StatusResolved {
		t.Fatalf("Status = %s after a refused reopen, want resolved", got.Status)
	}
}
