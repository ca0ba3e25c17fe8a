package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// trigger is the write of one alert of key at now: open a ticket (after a
// resolved one), or count an occurrence on the open one.
func trigger(t testing.TB, integration, key string, now time.Time) store.Write {
	return store.Write{DedupKey: key, Fn: func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest == nil || latest.Status == ticket.StatusResolved {
			return newTicket(t, integration, key, now, latest), nil
		}
		return latest, latest.Occur(ticket.Signal{}, now)
	}}
}

// resolve is the write of a resolve signal of key.
func resolve(key string, now time.Time) store.Write {
	return store.Write{DedupKey: key, Fn: func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest == nil || latest.Status == ticket.StatusResolved {
			return nil, nil
		}
		return latest, latest.Resolve("prom", "recovered", now)
	}}
}

func mustUpsertAll(t testing.TB, s store.Store, request string, writes ...store.Write) []store.Applied {
	t.Helper()
	got, err := s.UpsertAll(ctx, "prom", request, writes)
	if err != nil {
		t.Fatalf("UpsertAll(%s): %v", request, err)
	}
	if len(got) != len(writes) {
		t.Fatalf("UpsertAll(%s) = %d results for %d writes", request, len(got), len(writes))
	}
	return got
}

// ids lists the IDs of every ticket in the store, newest first.
func ids(t *testing.T, s store.Store) []string {
	t.Helper()
	return listAll(t, s, store.Query{})
}

func testUpsertAllStoresEveryWrite(t *testing.T, s store.Store) {
	got := mustUpsertAll(t, s, "req-1",
		trigger(t, "prom", "a", start), trigger(t, "prom", "b", start), trigger(t, "prom", "a", start.Add(time.Second)))
	a, b := got[0].Ticket, got[1].Ticket
	if a == nil || b == nil || got[2].Ticket == nil || got[2].Ticket.ID != a.ID || a.ID == b.ID {
		t.Fatalf("UpsertAll = %+v, want tickets a, b, a", got)
	}
	if tk := mustGet(t, s, a.ID); tk.Occurrences != 2 || tk.Version != 2 || len(tk.Timeline) != 2 {
		t.Fatalf("ticket a: Occurrences=%d Version=%d %d events, want 2, 2, created and occurred", tk.Occurrences, tk.Version, len(tk.Timeline))
	}
	if tk := mustGet(t, s, b.ID); tk.Occurrences != 1 || tk.Version != 1 {
		t.Fatalf("ticket b: Occurrences=%d Version=%d, want 1 and 1", tk.Occurrences, tk.Version)
	}
	if n := len(ids(t, s)); n != 2 {
		t.Fatalf("the store holds %d tickets, want 2", n)
	}
}

func testUpsertAllInOrder(t *testing.T, s store.Store) {
	var seen []string // what each write of the key saw, as it ran last
	watch := func(i int, w store.Write) store.Write {
		fn := w.Fn
		return store.Write{DedupKey: w.DedupKey, Fn: func(latest *ticket.Ticket) (*ticket.Ticket, error) {
			state := "none"
			if latest != nil {
				state = fmt.Sprintf("%s/%d", latest.Status, latest.Occurrences)
			}
			seen[i] = state
			return fn(latest)
		}}
	}
	writes := []store.Write{
		trigger(t, "prom", "k", start),
		trigger(t, "prom", "other", start),
		trigger(t, "prom", "k", start.Add(time.Second)),
		resolve("k", start.Add(2*time.Second)),
		trigger(t, "prom", "k", start.Add(3*time.Second)),
	}
	seen = make([]string, len(writes))
	for i := range writes {
		writes[i] = watch(i, writes[i])
	}
	got := mustUpsertAll(t, s, "req-order", writes...)
	want := []string{"none", "none", "open/1", "open/2", "resolved/2"}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("write %d saw %s, want %s (every write: %v)", i, seen[i], want[i], seen)
		}
	}
	first, second := got[0].Ticket.ID, got[4].Ticket.ID
	if first == second || got[2].Ticket.ID != first || got[3].Ticket.ID != first {
		t.Fatalf("tickets %v, want the first ticket thrice, then a new one", got)
	}
	if tk := mustGet(t, s, first); tk.Status != ticket.StatusResolved || tk.Occurrences != 2 {
		t.Fatalf("first ticket %s with %d occurrences, want resolved with 2", tk.Status, tk.Occurrences)
	}
	if tk := mustGet(t, s, second); tk.Previous != first || tk.Status != ticket.StatusOpen {
		t.Fatalf("second ticket %s follows %q, want open following %s", tk.Status, tk.Previous, first)
	}
}

func testUpsertAllClosureError(t *testing.T, s store.Store) {
	existing := ingest(t, s, "prom", "a", start)
	boom := errors.New("boom")
	_, err := s.UpsertAll(ctx, "prom", "req-fails", []store.Write{
		trigger(t, "prom", "a", start.Add(time.Second)),
		trigger(t, "prom", "b", start.Add(time.Second)),
		{DedupKey: "c", Fn: func(*ticket.Ticket) (*ticket.Ticket, error) { return nil, boom }},
		trigger(t, "prom", "d", start.Add(time.Second)),
	})
	if !errors.Is(err, boom) {
		t.Fatalf("UpsertAll error = %v, want the third write's error", err)
	}
	wantUntouched(t, s, existing)
}

func testUpsertAllStoreRefusal(t *testing.T, s store.Store) {
	existing := ingest(t, s, "prom", "a", start)
	_, err := s.UpsertAll(ctx, "prom", "req-refused", []store.Write{
		trigger(t, "prom", "a", start.Add(time.Second)),
		trigger(t, "prom", "b", start.Add(time.Second)),
		{DedupKey: "a", Fn: func(*ticket.Ticket) (*ticket.Ticket, error) {
			return newTicket(t, "prom", "a", start.Add(time.Second), nil), nil // a second open ticket of a
		}},
	})
	wantCode(t, err, ticket.Conflict)
	wantUntouched(t, s, existing)
}

// wantUntouched fails unless the store holds only existing, as it was.
func wantUntouched(t *testing.T, s store.Store, existing *ticket.Ticket) {
	t.Helper()
	if got := ids(t, s); len(got) != 1 || got[0] != existing.ID {
		t.Fatalf("after the failed request the store holds %v, want only %s", got, existing.ID)
	}
	if got := mustGet(t, s, existing.ID); got.Version != existing.Version || got.Occurrences != existing.Occurrences {
		t.Fatalf("after the failed request ticket %s is at Version %d with %d occurrences, want %d and %d",
			existing.ID, got.Version, got.Occurrences, existing.Version, existing.Occurrences)
	}
}

func testUpsertAllNothing(t *testing.T, s store.Store) {
	got := mustUpsertAll(t, s, "req-quiet", resolve("a", start), resolve("b", start))
	if got[0].Ticket != nil || got[1].Ticket != nil || got[0].Earlier || got[1].Earlier {
		t.Fatalf("UpsertAll of writes that store nothing = %+v, want no tickets", got)
	}
	if n := len(ids(t, s)); n != 0 {
		t.Fatalf("the store holds %d tickets, want none", n)
	}
}

// testUpsertAllAgain ensures a request sent again after it succeeded (a
// monitor re-firing the same payload) counts again: the name of a
// request only resumes one that failed part-way.
func testUpsertAllAgain(t *testing.T, s store.Store) {
	for i := range 3 {
		mustUpsertAll(t, s, "req-same", trigger(t, "prom", "a", start.Add(time.Duration(i)*time.Second)),
			trigger(t, "prom", "b", start.Add(time.Duration(i)*time.Second)))
	}
	for _, id := range ids(t, s) {
		if tk := mustGet(t, s, id); tk.Occurrences != 3 {
			t.Fatalf("ticket %s of key %s has %d occurrences after the same request three times, want 3", id, tk.DedupKey, tk.Occurrences)
		}
	}
}

func testConcurrentUpsertAlls(t *testing.T, s store.Store) {
	const n, keys = 12, 5
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			writes := make([]store.Write, keys)
			for k := range keys {
				writes[k] = trigger(t, "prom", fmt.Sprintf("key-%d", (k+i)%keys), start.Add(time.Duration(i)*time.Millisecond))
			}
			_, err := s.UpsertAll(ctx, "prom", fmt.Sprintf("req-%d", i), writes)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("UpsertAll: %v", err)
		}
	}
	all := ids(t, s)
	if len(all) != keys {
		t.Fatalf("%d concurrent requests over %d keys made %d tickets, want %d", n, keys, len(all), keys)
	}
	for _, id := range all {
		if tk := mustGet(t, s, id); tk.Occurrences != n {
			t.Fatalf("ticket of %s: Occurrences = %d, want %d", tk.DedupKey, tk.Occurrences, n)
		}
	}
}
