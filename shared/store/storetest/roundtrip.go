package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

func testRoundTrip(t *testing.T, s store.Store) {
	want := newTicket(t, "forms", "req-1", start, nil)
	want.Source = "intranet"
	want.Description = "Laptop dock dead since Monday\nsecond line"
	want.Labels = map[string]string{"team": "desk", "site": "fra"}
	want.Details = map[string]any{"asset": "LT-0042", "floor": 3.0, "ports": []any{"usb-c", "hdmi"}, "ok": true}
	want.Links = []ticket.Link{{Href: "https://wiki.example/rb/dock", Text: "runbook"}, {Href: "https://cmdb.example/LT-0042"}}
	want.Requester = ticket.Person{Name: "Jana Kovac", Email: "jana@example.test"}
	want.Category = "hardware"
	want.Previous = "0c7g2m4x9k3t1p"
	want.Truncated = []string{ticket.FieldDescription, ticket.FieldDetails}
	// Deliveries are how a redelivered webhook is told from news: a store
	// that drops them makes every SNS retry count twice.
	want.Deliveries = []ticket.Delivery{{ID: "8d0f2b7e-4c1a-5e93-a6b2-1f7c9d3e0a45", At: start}, {ID: "dd:7741205583316602991", At: start.Add(time.Second)}}
	if _, err := s.Upsert(ctx, "forms", "req-1", func(*ticket.Ticket) (*ticket.Ticket, error) { return want, nil }); err != nil {
		t.Fatal(err)
	}
	steps := []func(tk *ticket.Ticket) error{
		func(tk *ticket.Ticket) error {
			return tk.AddNote("alice", "tried another dock", start.Add(time.Minute))
		},
		func(tk *ticket.Ticket) error { // one write, two events, on behalf of a person
			since := len(tk.Timeline)
			if err := tk.Acknowledge("ops", place.Deadlines, start.Add(2*time.Minute)); err != nil {
				return err
			}
			if err := tk.AddNote("ops", "on my way", start.Add(2*time.Minute)); err != nil {
				return err
			}
			return tk.ActedFor(since, "alice")
		},
		func(tk *ticket.Ticket) error { return tk.Assign("alice", "bob", start.Add(3*time.Minute)) },
		func(tk *ticket.Ticket) error {
			return tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: "bob", Reason: "manual", Note: "firmware reset did not help",
				Manual: true, At: start.Add(4 * time.Minute), Deadlines: place.Deadlines})
		},
		func(tk *ticket.Ticket) error {
			tk.RecordDelivery(2, "webhook", start.Add(5*time.Minute))
			return nil
		},
		func(tk *ticket.Ticket) error {
			return tk.Resolve("carol", "replaced the dock", start.Add(6*time.Minute))
		},
	}
	for i, step := range steps {
		got, err := s.Update(ctx, want.ID, step)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if err := step(want); err != nil {
			t.Fatalf("step %d on the expected ticket: %v", i, err)
		}
		if got.Version != i+2 {
			t.Fatalf("step %d: Version = %d, want %d", i, got.Version, i+2)
		}
	}
	want.Version = len(steps) + 1
	got := mustGet(t, s, want.ID)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v\nwant  %+v", got, want)
	}
}

func testList(t *testing.T, s store.Store) {
	// Nine tickets a minute apart: every third one moved to L2, every
	// second one acknowledged.
	var l2Open []string
	for i := range 9 {
		tk := ingest(t, s, "prom", string(rune('a'+i)), start.Add(time.Duration(i)*time.Minute))
		_, err := s.Update(ctx, tk.ID, func(tk *ticket.Ticket) error {
			if i%3 == 0 {
				if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Reason: "test", At: start, Deadlines: place.Deadlines}); err != nil {
					return err
				}
			}
			if i%2 == 0 {
				return tk.Acknowledge("alice", place.Deadlines, start)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 && i%2 != 0 {
			l2Open = append(l2Open, tk.ID)
		}
	}
	slices.Reverse(l2Open)
	if got := listAll(t, s, store.Query{Tier: ticket.L2, Status: ticket.StatusOpen, Limit: 1}); !slices.Equal(got, l2Open) {
		t.Fatalf("L2 open = %v, want %v newest first", got, l2Open)
	}
	all := listAll(t, s, store.Query{Limit: 4})
	if len(all) != 9 || !slices.IsSortedFunc(all, func(a, b string) int { return -compare(a, b) }) {
		t.Fatalf("all = %v, want 9 tickets newest first", all)
	}
	acked := listAll(t, s, store.Query{Status: ticket.StatusAcknowledged, Limit: 2})
	if len(acked) != 5 {
		t.Fatalf("acknowledged = %d tickets, want 5", len(acked))
	}
	l1 := listAll(t, s, store.Query{Tier: ticket.L1})
	if len(l1) != 6 {
		t.Fatalf("L1 = %d tickets, want 6", len(l1))
	}
}

// listAll follows cursors to the end and returns the IDs in order.
func listAll(t *testing.T, s store.Store, q store.Query) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		p, err := s.List(ctx, q)
		if err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		if q.Limit > 0 && len(p.Tickets) > q.Limit {
			t.Fatalf("List(%+v) gave %d tickets, more than the limit", q, len(p.Tickets))
		}
		for _, tk := range p.Tickets {
			if tk.Tier != q.Tier && q.Tier != 0 || tk.Status != q.Status && q.Status != "" {
				t.Fatalf("List(%+v) gave ticket %s at %s/%s", q, tk.ID, tk.Tier, tk.Status)
			}
			ids = append(ids, tk.ID)
		}
		if p.Next == "" {
			return ids
		}
		if page > 100 {
			t.Fatalf("List(%+v) never ends", q)
		}
		q.Cursor = p.Next
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testListBadCursor(t *testing.T, s store.Store) {
	_, err := s.List(ctx, store.Query{Cursor: "not a cursor!"})
	wantCode(t, err, ticket.Invalid)
}
