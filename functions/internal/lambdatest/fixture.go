package lambdatest

import (
	"context"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// The tickets the sample events of events/lambda/ name, and the time
// their story starts. Tests store them with Fixture's steps, so that the
// events find them, and dispatch's test takes its stream images from them.
const (
	// TicketA is a warning from prometheus: created at L1 at At, escalated
	// to L2 a second later (hand-off 2), resolved a minute after.
	TicketA = "0c7g2m4x9k3t1p"
	// TicketB is a critical alert created at L2 at At (hand-off 1).
	TicketB = "0c7g2m4x9k3t2q"
)

// At is when the fixture's story starts.
var At = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// Fixture writes the fixture tickets' story into a store, one step at a
// time, under the config the events were written for.
type Fixture struct {
	Store  store.Store
	Config *policy.Config
}

// CreateA stores TicketA as new at L1.
func (f Fixture) CreateA(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	return f.create(tb, TicketA, ticket.Signal{Action: ticket.Trigger, DedupKey: "disk-db-1", Title: "Disk full on db-1",
		Description: "/var at 97%", Severity: "warning", Source: "db-1"}, ticket.L1, 0, At)
}

// CreateB stores TicketB as new at L2, P1.
func (f Fixture) CreateB(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	return f.create(tb, TicketB, ticket.Signal{Action: ticket.Trigger, DedupKey: "checkout-5xx", Title: "Checkout API 5xx above 5%",
		Description: "error ratio 7.2% over 5m", Severity: "critical", Source: "checkout"}, ticket.L2, ticket.P1, At)
}

// EscalateA moves TicketA to L2, as the escalation step does when L1 does
// not acknowledge it within its deadline.
func (f Fixture) EscalateA(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	now := At.Add(time.Second)
	return f.update(tb, TicketA, func(t *ticket.Ticket) error {
		return t.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "not acknowledged within 1s at L1",
			At: now, Deadlines: f.Config.Deadlines(t.Policy, ticket.L2)})
	})
}

// ResolveA resolves TicketA.
func (f Fixture) ResolveA(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	return f.update(tb, TicketA, func(t *ticket.Ticket) error {
		return t.Resolve("alice", "rotated the debug logs", At.Add(time.Minute))
	})
}

func (f Fixture) create(tb testing.TB, id string, s ticket.Signal, tier ticket.Tier, prio ticket.Priority, now time.Time) *ticket.Ticket {
	tb.Helper()
	p := ticket.Placement{Tier: tier, Priority: prio, Deadlines: f.Config.Deadlines("", tier)}
	t, err := f.Store.Upsert(context.Background(), "prometheus", s.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest != nil {
			return nil, nil
		}
		return ticket.New(id, "prometheus", s, p, nil, now)
	})
	if err != nil {
		tb.Fatalf("store ticket %s: %v", id, err)
	}
	return t
}

func (f Fixture) update(tb testing.TB, id string, fn func(t *ticket.Ticket) error) *ticket.Ticket {
	tb.Helper()
	t, err := f.Store.Update(context.Background(), id, fn)
	if err != nil {
		tb.Fatalf("update ticket %s: %v", id, err)
	}
	return t
}
