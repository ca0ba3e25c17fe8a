package desk_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// failingThird is a store whose third write of a request fails as the
// database would (Unavailable), however the desk sends it: as the third
// Upsert, or as the third write of one UpsertAll.
type failingThird struct {
	store.Store
	upserts atomic.Int32
}

var errDisk = ticket.Errorf(ticket.Unavailable, "disk I/O error")

func (f *failingThird) Upsert(ctx context.Context, integration, key string, fn func(*ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, error) {
	if f.upserts.Add(1) == 3 {
		return nil, errDisk
	}
	return f.Store.Upsert(ctx, integration, key, fn)
}

func (f *failingThird) UpsertAll(ctx context.Context, integration, request string, writes []store.Write) ([]store.Applied, error) {
	if len(writes) >= 3 {
		writes = append([]store.Write(nil), writes...)
		writes[2].Fn = func(*ticket.Ticket) (*ticket.Ticket, error) { return nil, errDisk }
	}
	return f.Store.UpsertAll(ctx, integration, request, writes)
}

// Ensure a request of several alerts is all or nothing: when the store
// fails at its third alert, the answer is the store's error and none of
// the request is stored, so the sender's retry counts each alert once.
func TestIngestRequestIsAllOrNothing(t *testing.T) {
	e := MustService(t)
	existing := MustTicket(t, e, Alert("a"))
	e.Desk.Store = &failingThird{Store: e.Store}
	request := []ticket.Signal{Alert("a"), Alert("b"), Alert("c"), Alert("d")}
	if _, err := e.Desk.Ingest(ctx, "prometheus", request...); ticket.ErrorCode(err) != ticket.Unavailable {
		t.Fatalf("Ingest with the store failing at the third alert = %v, want Unavailable", err)
	}
	page, err := e.Store.List(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tickets) != 1 || page.Tickets[0].Occurrences != 1 || page.Tickets[0].Version != existing.Version {
		t.Fatalf("after the failed request the store holds %d tickets (the first at %d occurrences), want only %s unchanged",
			len(page.Tickets), page.Tickets[0].Occurrences, existing.ID)
	}

	e.Desk.Store = e.Store // the store is back; the sender retries
	results, err := e.Desk.Ingest(ctx, "prometheus", request...)
	if err != nil {
		t.Fatal(err)
	}
	want := []desk.Outcome{desk.Occurrence, desk.Created, desk.Created, desk.Created}
	for i, r := range results {
		if r.Outcome != want[i] {
			t.Fatalf("retry: results %+v, want outcomes %v", results, want)
		}
	}
	if got := MustGet(t, e, existing.ID); got.Occurrences != 2 {
		t.Fatalf("after the retry ticket a has %d occurrences, want 2", got.Occurrences)
	}
}

// Ensure signals of one key in a request apply in order: the resolve
// between two triggers resolves the first ticket, and the second trigger
// opens a new one that follows it.
func TestIngestRequestAppliesOneKeyInOrder(t *testing.T) {
	e := MustService(t)
	resolve := Alert("a")
	resolve.Action = ticket.Resolve
	results, err := e.Desk.Ingest(ctx, "prometheus", Alert("a"), Alert("b"), Alert("a"), resolve, Alert("a"))
	if err != nil {
		t.Fatal(err)
	}
	outcomes := fmt.Sprint(results[0].Outcome, results[1].Outcome, results[2].Outcome, results[3].Outcome, results[4].Outcome)
	if outcomes != fmt.Sprint(desk.Created, desk.Created, desk.Occurrence, desk.Resolved, desk.Created) {
		t.Fatalf("outcomes %s, want created, created, occurrence, resolved, created", outcomes)
	}
	if first, second := results[0].TicketID, results[4].TicketID; first == second || MustGet(t, e, second).Previous != first {
		t.Fatalf("the last trigger went to %s, want a new ticket following %s", second, first)
	}
}

// Ensure a request over MaxSignals is refused whole as too large, with a
// message that names the limit, and stores nothing; MaxSignals is taken.
func TestIngestRequestCap(t *testing.T) {
	e := MustService(t)
	signals := make([]ticket.Signal, desk.MaxSignals+1)
	for i := range signals {
		signals[i] = Alert(fmt.Sprintf("host-%d", i))
	}
	_, err := e.Desk.Ingest(ctx, "prometheus", signals...)
	if ticket.ErrorCode(err) != ticket.TooLarge || !strings.Contains(ticket.ErrorMessage(err), "1000") {
		t.Fatalf("Ingest of %d signals = %v, want TooLarge naming the limit of %d", len(signals), err, desk.MaxSignals)
	}
	if page, _ := e.Store.List(ctx, store.Query{}); len(page.Tickets) != 0 {
		t.Fatalf("the refused request stored %d tickets", len(page.Tickets))
	}
	results, err := e.Desk.Ingest(ctx, "prometheus", signals[:desk.MaxSignals]...)
	if err != nil || len(results) != desk.MaxSignals || results[desk.MaxSignals-1].Outcome != desk.Created {
		t.Fatalf("Ingest of %d signals = %d results, %v; want every one created", desk.MaxSignals, len(results), err)
	}
}

// oneWriteEach is a store that writes a request one Upsert at a time, as
// Ingest did before UpsertAll: each alert its own durable write.
type oneWriteEach struct{ store.Store }

func (s oneWriteEach) UpsertAll(ctx context.Context, integration, _ string, writes []store.Write) ([]store.Applied, error) {
	out := make([]store.Applied, len(writes))
	for i, w := range writes {
		t, err := s.Upsert(ctx, integration, w.DedupKey, w.Fn)
		if err != nil {
			return nil, err
		}
		if t != nil {
			out[i] = store.Applied{Ticket: t, TicketID: t.ID}
		}
	}
	return out, nil
}

// BenchmarkIngestRequest ingests requests of desk.MaxSignals new alerts
// on the local store: in one transaction (UpsertAll), and one durable
// write each (as before it), side by side.
// go test -run '^$' -bench IngestRequest ./shared/desk
func BenchmarkIngestRequest(b *testing.B) {
	for _, tc := range []struct {
		name string
		wrap func(store.Store) store.Store
	}{
		{"one_transaction", func(s store.Store) store.Store { return s }},
		{"one_write_each", func(s store.Store) store.Store { return oneWriteEach{s} }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			e := MustService(b)
			e.Desk.Store = tc.wrap(e.Store)
			n := 0
			for b.Loop() {
				signals := make([]ticket.Signal, desk.MaxSignals)
				for i := range signals {
					signals[i] = Alert(fmt.Sprintf("req%d-host%d", n, i))
				}
				if _, err := e.Desk.Ingest(ctx, "prometheus", signals...); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(desk.MaxSignals), "alerts/op")
		})
	}
}
