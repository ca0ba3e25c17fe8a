package desk_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

const problemsConfig = testConfig + "problems: {after: 3, within: 7d, tier: L2, priority: P3}\n"

// recurOnce opens a ticket of key and resolves it, so that the next
// trigger of key opens another.
func recurOnce(tb testing.TB, e *Env, key string) *ticket.Ticket {
	tb.Helper()
	tk := MustTicket(tb, e, Alert(key))
	if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("alice"), "restarted"); err != nil {
		tb.Fatal(err)
	}
	e.Clock.Add(time.Hour)
	return tk
}

// TestProblemOpensAtTheNthIncident checks the whole story: the third
// ticket of a key in the window opens one problem at L2 listing all three,
// each incident names it, a fourth links to it, the problem's hand-off
// reaches L2, its resolution needs a root cause and leaves the incidents
// alone, and a later recurrence opens a new problem.
func TestProblemOpensAtTheNthIncident(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, problemsConfig)
	a, b := recurOnce(t, e, "disk"), recurOnce(t, e, "disk")
	recurOnce(t, e, "cpu") // another key counts apart
	if p, _ := e.Store.List(ctx, store.Query{Kind: ticket.KindProblem}); len(p.Tickets) != 0 {
		t.Fatalf("two incidents opened a problem: %v", p.Tickets)
	}
	c := MustTicket(t, e, Alert("disk"))
	page, err := e.Store.List(ctx, store.Query{Kind: ticket.KindProblem})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("problems after the third incident = %v, %v; want one", page.Tickets, err)
	}
	pr := MustGet(t, e, page.Tickets[0].ID)
	if pr.Tier != ticket.L2 || pr.Priority != ticket.P3 || len(pr.Incidents) != 3 ||
		pr.Incidents[0].ID != a.ID || pr.Incidents[1].ID != b.ID || pr.Incidents[2].ID != c.ID {
		t.Fatalf("problem = %s %s incidents %+v, want P3 at L2 listing %s %s %s", pr.Tier, pr.Priority, pr.Incidents, a.ID, b.ID, c.ID)
	}
	for _, in := range []*ticket.Ticket{a, b, c} {
		if got := MustGet(t, e, in.ID); got.Problem != pr.ID {
			t.Errorf("incident %s names problem %q, want %s", in.ID, got.Problem, pr.ID)
		}
	}
	if open, err := e.Desk.OpenProblem(ctx, ticket.AlertKey("prometheus", "disk")); err != nil || open == nil || open.ID != pr.ID {
		t.Errorf("OpenProblem = %v, %v; want %s", open, err, pr.ID)
	}
	if open, _ := e.Desk.OpenProblem(ctx, ticket.AlertKey("prometheus", "cpu")); open != nil {
		t.Errorf("OpenProblem(cpu) = %s, want none", open.ID)
	}
	// The problem's hand-off goes to L2.
	paged := MustNotifyAll(t, e)
	found := false
	for _, d := range paged.sent {
		if d.HandOff.Ticket.ID == pr.ID && d.Channel == "l2-hook" && len(d.HandOff.Ticket.Incidents) == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("L2 was not handed the problem with its three incidents")
	}
	// A fourth incident links to it.
	if _, err := e.Desk.Resolve(ctx, c.ID, desk.By("alice"), "restarted"); err != nil {
		t.Fatal(err)
	}
	d := MustTicket(t, e, Alert("disk"))
	if got := MustGet(t, e, d.ID); got.Problem != pr.ID {
		t.Errorf("fourth incident names %q, want %s", got.Problem, pr.ID)
	}
	if got := MustGet(t, e, pr.ID); len(got.Incidents) != 4 || len(EventsOf(got, ticket.EventLinked)) != 4 {
		t.Errorf("problem lists %d incidents, %d linked events; want 4", len(got.Incidents), len(EventsOf(got, ticket.EventLinked)))
	}
	// A root cause is required; the incidents stay as they are.
	if _, err := e.Desk.Resolve(ctx, pr.ID, desk.By("bob"), ""); ticket.ErrorCode(err) != ticket.Invalid {
		t.Fatalf("resolving the problem without a root cause = %v, want Invalid", err)
	}
	if _, err := e.Desk.Resolve(ctx, pr.ID, desk.By("bob"), "logrotate was disabled on db hosts"); err != nil {
		t.Fatal(err)
	}
	if got := MustGet(t, e, pr.ID); got.Resolution != "logrotate was disabled on db hosts" {
		t.Errorf("root cause = %q", got.Resolution)
	}
	if got := MustGet(t, e, d.ID); got.Status != ticket.StatusOpen {
		t.Errorf("resolving the problem moved incident %s to %s", d.ID, got.Status)
	}
	// After the resolution the count starts again: three more open a new problem.
	if _, err := e.Desk.Resolve(ctx, d.ID, desk.By("alice"), "restarted"); err != nil {
		t.Fatal(err)
	}
	e.Clock.Add(time.Hour)
	recurOnce(t, e, "disk")
	recurOnce(t, e, "disk")
	if open, _ := e.Desk.OpenProblem(ctx, ticket.AlertKey("prometheus", "disk")); open != nil {
		t.Fatalf("two incidents after the resolution opened problem %s", open.ID)
	}
	MustTicket(t, e, Alert("disk"))
	open, err := e.Desk.OpenProblem(ctx, ticket.AlertKey("prometheus", "disk"))
	if err != nil || open == nil || open.ID == pr.ID || open.Previous != pr.ID || len(open.Incidents) != 3 {
		t.Fatalf("the recurrence after the resolution: %+v, %v; want a new problem following %s with 3 incidents", open, err, pr.ID)
	}
}

// TestProblemsOff checks that without the block no problem opens.
func TestProblemsOff(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	for range 4 {
		recurOnce(t, e, "disk")
	}
	if p, _ := e.Store.List(ctx, store.Query{Kind: ticket.KindProblem}); len(p.Tickets) != 0 {
		t.Fatalf("problems = %d, want none without the problems block", len(p.Tickets))
	}
}
