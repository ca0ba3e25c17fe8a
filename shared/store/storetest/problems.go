package storetest

import (
	"crypto/rand"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// problemCases are the contract of problem records: the key index, the
// kind filter of List, the fields a problem and its incidents keep, and
// one open problem per recurrence key however many writers race.
var problemCases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"recur_counts_a_key_in_its_window_idempotently", testRecurWindow},
	{"problem_and_incident_fields_round_trip", testProblemRoundTrip},
	{"list_filters_by_kind", testListKind},
	{"concurrent_nth_incidents_open_one_problem", testConcurrentProblems},
}

func mustRecur(t *testing.T, s store.Store, key, id string, at time.Time, window time.Duration) []store.Recurrence {
	t.Helper()
	got, err := s.Recur(ctx, key, store.Recurrence{TicketID: id, Title: "title " + id, At: at}, window)
	if err != nil {
		t.Fatalf("Recur(%s): %v", id, err)
	}
	return got
}

func recurIDs(rs []store.Recurrence) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.TicketID
	}
	return out
}

func testRecurWindow(t *testing.T, s store.Store) {
	const week = 7 * 24 * time.Hour
	key := ticket.AlertKey("prom", "disk").String()
	mustRecur(t, s, key, "0c7g2m4x9k3t01", start, week)
	mustRecur(t, s, key, "0c7g2m4x9k3t02", start.Add(24*time.Hour), week)
	mustRecur(t, s, ticket.AlertKey("prom", "cpu").String(), "0c7g2m4x9k3t09", start.Add(24*time.Hour), week)
	// The same ticket again (a retry) is not a new recurrence.
	again := mustRecur(t, s, key, "0c7g2m4x9k3t02", start.Add(24*time.Hour), week)
	if got := recurIDs(again); !slices.Equal(got, []string{"0c7g2m4x9k3t01", "0c7g2m4x9k3t02"}) {
		t.Fatalf("after a retry: %v, want the two tickets of the key once each", got)
	}
	want := store.Recurrence{TicketID: "0c7g2m4x9k3t01", Title: "title 0c7g2m4x9k3t01", At: start}
	if !reflect.DeepEqual(again[0], want) {
		t.Errorf("recurrence = %+v, want %+v", again[0], want)
	}
	// Eight days on, the first ticket is out of the window.
	late := mustRecur(t, s, key, "0c7g2m4x9k3t03", start.Add(8*24*time.Hour), week)
	if got := recurIDs(late); !slices.Equal(got, []string{"0c7g2m4x9k3t02", "0c7g2m4x9k3t03"}) {
		t.Fatalf("eight days on: %v, want the second and third tickets, oldest first", got)
	}
}

func newProblem(t *testing.T, key ticket.RecurrenceKey, incidents []ticket.Incident, prev *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	id, err := ticket.NewID(start.Add(time.Hour), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := place
	p.Tier, p.Priority = ticket.L2, ticket.P3
	pr, err := ticket.NewProblem(id, key, incidents, 7*24*time.Hour, p, prev, start.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func testProblemRoundTrip(t *testing.T, s store.Store) {
	in := ingest(t, s, "prom", "disk", start)
	key := ticket.AlertKey("prom", "disk")
	want := newProblem(t, key, []ticket.Incident{{ID: in.ID, Title: in.Title, At: in.CreatedAt}}, nil)
	if _, err := s.Upsert(ctx, "prom", want.DedupKey, func(*ticket.Ticket) (*ticket.Ticket, error) { return want, nil }); err != nil {
		t.Fatal(err)
	}
	want.Version = 1
	if got := mustGet(t, s, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v\nwant  %+v", got, want)
	}
	linked, err := s.Update(ctx, in.ID, func(tk *ticket.Ticket) error {
		tk.LinkProblem(want.ID, start.Add(time.Hour))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, in.ID); got.Problem != want.ID || got.OfKind() != ticket.KindIncident || !reflect.DeepEqual(got, linked) {
		t.Fatalf("incident = %+v, want it to name problem %s", got, want.ID)
	}
}

func testListKind(t *testing.T, s store.Store) {
	a := ingest(t, s, "prom", "a", start)
	b := ingest(t, s, "prom", "b", start.Add(time.Minute))
	pr := newProblem(t, ticket.AlertKey("prom", "a"), []ticket.Incident{{ID: a.ID, Title: a.Title, At: a.CreatedAt}}, nil)
	if _, err := s.Upsert(ctx, "prom", pr.DedupKey, func(*ticket.Ticket) (*ticket.Ticket, error) { return pr, nil }); err != nil {
		t.Fatal(err)
	}
	if got := listAll(t, s, store.Query{Kind: ticket.KindProblem}); !slices.Equal(got, []string{pr.ID}) {
		t.Errorf("problems = %v, want %s", got, pr.ID)
	}
	if got := listAll(t, s, store.Query{Kind: ticket.KindProblem, Tier: ticket.L2, Status: ticket.StatusOpen}); !slices.Equal(got, []string{pr.ID}) {
		t.Errorf("open L2 problems = %v, want %s", got, pr.ID)
	}
	if got := listAll(t, s, store.Query{Kind: ticket.KindProblem, Tier: ticket.L1}); len(got) != 0 {
		t.Errorf("L1 problems = %v, want none", got)
	}
	if got := listAll(t, s, store.Query{Kind: ticket.KindIncident, Limit: 1}); !slices.Equal(got, []string{b.ID, a.ID}) {
		t.Errorf("incidents = %v, want %s, %s", got, b.ID, a.ID)
	}
	if got := listAll(t, s, store.Query{}); len(got) != 3 {
		t.Errorf("all = %v, want 3 tickets", got)
	}
}

// testConcurrentProblems races writers that each found the key's Nth
// ticket: the problem's dedup key makes the store's "one open ticket per
// key" hold one problem open, and every writer links to it.
func testConcurrentProblems(t *testing.T, s store.Store) {
	key := ticket.AlertKey("prom", "disk")
	const writers = 6
	var wg sync.WaitGroup
	ids := make([]string, writers)
	for i := range writers {
		wg.Go(func() {
			in := ticket.Incident{ID: "0c7g2m4x9k3t" + string(rune('a'+i)) + "0", Title: "disk", At: start}
			got, err := s.Upsert(ctx, key.Integration, ticket.ProblemDedupKey(key), func(latest *ticket.Ticket) (*ticket.Ticket, error) {
				if latest != nil && latest.Status != ticket.StatusResolved {
					latest.LinkIncidents([]ticket.Incident{in}, start.Add(time.Hour))
					return latest, nil
				}
				return newProblem(t, key, []ticket.Incident{in}, latest), nil
			})
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			ids[i] = got.ID
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("writers got problems %v, want one", ids)
		}
	}
	if pr := mustGet(t, s, ids[0]); len(pr.Incidents) != writers {
		t.Fatalf("the problem lists %d incidents, want %d", len(pr.Incidents), writers)
	}
}
