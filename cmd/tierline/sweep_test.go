package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue/localqueue"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// Ensure a hand-off that failed every delivery locally, and sits in the
// dead letters, is sent again once the sweep's grace has passed, and not
// before: the local runtime drops no page either.
func TestSweepDeadLetters(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	db, err := localdb.Open(filepath.Join(t.TempDir(), "tierline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := sqlite.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	q, err := localqueue.New(ctx, db, localqueue.Options{Visibility: time.Second, MaxReceives: 1, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := policy.Parse("demo.yaml", demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	d := &desk.Service{Store: st, Config: cfg, Queue: q, Now: clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rs, err := d.Ingest(ctx, "demo", ticket.Signal{Action: ticket.Trigger, Title: "disk full", DedupKey: "disk"})
	if err != nil {
		t.Fatal(err)
	}
	id := rs[0].TicketID
	if err := q.Send(ctx, ticket.Notice{TicketID: id, Tier: ticket.L1, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := q.Receive(ctx, ticket.L1, 10, 0); len(got) != 1 {
		t.Fatalf("received %v, want the hand-off", got)
	}
	clock.Add(2 * time.Second) // delivery failed: not deleted; its one receive is used up
	if got, _ := q.Receive(ctx, ticket.L1, 10, 0); len(got) != 0 {
		t.Fatalf("received %v, want the hand-off gone to the dead letters", got)
	}
	if n, err := sweepDeadLetters(ctx, q, d); err != nil || n != 0 {
		t.Fatalf("sweep before the grace: %d, %v; want nothing resent", n, err)
	}
	clock.Add(ticket.SweepGrace)
	if n, err := sweepDeadLetters(ctx, q, d); err != nil || n != 1 {
		t.Fatalf("sweep after the grace: %d, %v; want the hand-off resent", n, err)
	}
	if got, _ := q.Receive(ctx, ticket.L1, 10, 0); len(got) != 1 || got[0].Notice.TicketID != id || got[0].Attempt != 1 {
		t.Fatalf("received %+v, want the hand-off again, afresh", got)
	}
}

// Ensure show says which hand-off the sweep sent again, to which tier.
func TestEventLineResent(t *testing.T) {
	e := wire.Event{Kind: "resent", Actor: "tierline", Notice: 2, To: "L2", Reason: "no delivery recorded in time; resend 1 of 4"}
	if got, want := eventLine(e), "by tierline; hand-off 2 to L2 again; no delivery recorded in time; resend 1 of 4"; got != want {
		t.Fatalf("eventLine = %q, want %q", got, want)
	}
}
