package figures

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// story drives one ticket through the lifecycle's own methods and keeps
// every change as the local outbox keeps it: reduced images.
type story struct {
	t       *testing.T
	tk      *ticket.Ticket
	now     time.Time
	changes []ticket.Change
}

var deadlines = ticket.Deadlines{Acknowledge: time.Minute, Resolve: time.Hour}

func newStory(t *testing.T) *story {
	now := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	tk, err := ticket.New("0c7g2m4x9k3t1p", "demo", ticket.Signal{Action: ticket.Trigger, Title: "disk", DedupKey: "d"},
		ticket.Placement{Tier: ticket.L1, Priority: ticket.P3, Deadlines: deadlines}, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	s := &story{t: t, tk: tk, now: now}
	s.changes = append(s.changes, ticket.Change{New: reduced(tk)})
	return s
}

func reduced(t *ticket.Ticket) *ticket.Ticket {
	return &ticket.Ticket{ID: t.ID, Tier: t.Tier, Status: t.Status, Notices: t.Notices, Clock: t.Clock,
		AcknowledgeBy: t.AcknowledgeBy, ResolveBy: t.ResolveBy}
}

func (s *story) do(fn func(t *ticket.Ticket, now time.Time) error) {
	s.t.Helper()
	old := reduced(s.tk)
	s.now = s.now.Add(2 * time.Minute)
	if err := fn(s.tk, s.now); err != nil {
		s.t.Fatal(err)
	}
	s.changes = append(s.changes, ticket.Change{Old: old, New: reduced(s.tk)})
}

func (s *story) auto(to ticket.Tier) {
	s.do(func(t *ticket.Ticket, now time.Time) error {
		return t.Escalate(ticket.Escalation{To: to, Actor: ticket.Tierline, Reason: "missed", At: now, Deadlines: deadlines})
	})
}

func (s *story) flow() Flow {
	var f Flow
	f.Add(s.changes...)
	return f
}

func TestFlowOfALifecycle(t *testing.T) {
	s := newStory(t)
	s.auto(ticket.L2) // L1 missed its acknowledge deadline
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Acknowledge("ann", deadlines, now) })
	s.auto(ticket.L3) // L2 missed its resolve deadline
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Repeat("missed again", deadlines, now) })
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Acknowledge("bob", deadlines, now) })
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Repeat("resolve missed", deadlines, now) })
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Resolve("bob", "fixed", now) })
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Reopen("ann", "back", deadlines, now) })
	f := s.flow()
	want := Flow{
		ticket.L1: {Entered: 1, Escalated: 1, AcknowledgeBreaches: 1},
		ticket.L2: {Entered: 1, Acknowledged: 1, Escalated: 1, ResolveBreaches: 1},
		ticket.L3: {Entered: 1, Acknowledged: 1, Resolved: 1, Reopened: 1, AcknowledgeBreaches: 1, ResolveBreaches: 1},
	}
	if f != want {
		t.Errorf("flow\n got %+v\nwant %+v", f, want)
	}
}

func TestManualEscalationIsNoBreach(t *testing.T) {
	s := newStory(t)
	s.do(func(t *ticket.Ticket, now time.Time) error {
		return t.Escalate(ticket.Escalation{To: ticket.L3, Actor: "ops", Note: "tried a restart", Manual: true, At: now, Deadlines: deadlines})
	})
	f := s.flow()
	want := Flow{ticket.L1: {Entered: 1, Escalated: 1}, ticket.L3: {Entered: 1}}
	if f != want {
		t.Errorf("flow\n got %+v\nwant %+v", f, want)
	}
}

func TestFlowIgnoresRemovalsAndUnmovedChanges(t *testing.T) {
	s := newStory(t)
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.Resolve("ann", "", now) })
	s.do(func(t *ticket.Ticket, now time.Time) error { return t.AddNote("ann", "post-mortem", now) })
	s.changes = append(s.changes, ticket.Change{Old: reduced(s.tk)}) // a head removed by TTL
	f := s.flow()
	if want := (Flow{ticket.L1: {Entered: 1, Resolved: 1}}); f != want {
		t.Errorf("flow\n got %+v\nwant %+v", f, want)
	}
	var empty Flow
	if !empty.Empty() || f.Empty() {
		t.Error("Empty is wrong")
	}
	if f.Of(0) != (Counts{}) || f.Of(ticket.L1).Entered != 1 {
		t.Error("Of is wrong")
	}
}
