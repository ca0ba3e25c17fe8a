package ticket_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

const problemID = "0c7g2m4x9k3t1q"

func incidents(n int) []ticket.Incident {
	out := make([]ticket.Incident, n)
	for i := range out {
		out[i] = ticket.Incident{ID: fmt.Sprintf("0c7g2m4x9k3t%02d", i), Title: fmt.Sprintf("Disk full %d", i), At: now.Add(time.Duration(i) * time.Hour)}
	}
	return out
}

func mustProblem(tb testing.TB, n int) *ticket.Ticket {
	tb.Helper()
	p := ticket.Placement{Tier: ticket.L2, Priority: ticket.P3, Policy: "default", Deadlines: policy[ticket.L2]}
	pr, err := ticket.NewProblem(problemID, ticket.AlertKey("prometheus", "disk-full/db1"), incidents(n), 7*24*time.Hour, p, nil, later)
	if err != nil {
		tb.Fatalf("NewProblem: %v", err)
	}
	return pr
}

// TestNewProblem checks the problem record: its kind, tier, priority,
// unreachable dedup key, listed incidents and their linked events.
func TestNewProblem(t *testing.T) {
	t.Parallel()
	pr := mustProblem(t, 3)
	if pr.Kind != ticket.KindProblem || pr.Tier != ticket.L2 || pr.Priority != ticket.P3 || pr.Status != ticket.StatusOpen {
		t.Fatalf("problem = kind %s tier %s %s %s, want an open P3 problem at L2", pr.Kind, pr.Tier, pr.Priority, pr.Status)
	}
	if pr.Integration != "prometheus" || pr.DedupKey != ticket.ProblemDedupKey(ticket.AlertKey("prometheus", "disk-full/db1")) || !strings.Contains(pr.DedupKey, "\n") {
		t.Errorf("key = %s/%q, want prometheus and the problem dedup key (with a newline no sender sends)", pr.Integration, pr.DedupKey)
	}
	if pr.Title != "Recurring: Disk full 2" || !strings.Contains(pr.Description, `3 incidents of prometheus, dedup key "disk-full/db1" within 7d`) {
		t.Errorf("title %q description %q", pr.Title, pr.Description)
	}
	if len(pr.Incidents) != 3 || pr.Incidents[0].ID != "0c7g2m4x9k3t00" {
		t.Fatalf("Incidents = %+v", pr.Incidents)
	}
	if c := pr.Timeline[0]; c.Kind != ticket.EventCreated || c.Reason != "recurred 3 times within 7d" || c.To != ticket.L2 || c.Notice != 1 {
		t.Errorf("created = %+v", c)
	}
	for i, e := range pr.Timeline[1:] {
		want := fmt.Sprintf("incident 0c7g2m4x9k3t%02d: Disk full %d", i, i)
		if e.Kind != ticket.EventLinked || e.Reason != want {
			t.Errorf("event %d = %s %q, want linked %q", i+1, e.Kind, e.Reason, want)
		}
	}
	h, ok := pr.HandOff(1)
	if !ok || h.Tier != ticket.L2 {
		t.Errorf("hand-off 1 = %v %+v, want one to L2", ok, h)
	}
}

// TestLinkIncidents checks that linking is idempotent and bounded.
func TestLinkIncidents(t *testing.T) {
	t.Parallel()
	pr := mustProblem(t, 3)
	events := len(pr.Timeline)
	if pr.LinkIncidents(incidents(3), later) {
		t.Error("linking the same incidents again reported a change")
	}
	if len(pr.Timeline) != events {
		t.Error("linking the same incidents again added events")
	}
	all := incidents(ticket.MaxIncidents + 5)
	if !pr.LinkIncidents(all, later) {
		t.Error("new incidents were not linked")
	}
	if len(pr.Incidents) != ticket.MaxIncidents || len(pr.Timeline) != events+ticket.MaxIncidents-3 {
		t.Errorf("after %d incidents: %d listed, %d events; want at most %d", len(all), len(pr.Incidents), len(pr.Timeline), ticket.MaxIncidents)
	}
}

// TestLinkProblem checks that an incident names its problem once.
func TestLinkProblem(t *testing.T) {
	t.Parallel()
	in := MustNew(t, ticket.L1)
	if !in.LinkProblem(problemID, later) || in.Problem != problemID {
		t.Fatalf("Problem = %q", in.Problem)
	}
	if e := Last(t, in); e.Kind != ticket.EventLinked || e.Reason != "part of problem "+problemID {
		t.Errorf("event = %+v", e)
	}
	if in.LinkProblem(problemID, later) {
		t.Error("linking twice reported a change")
	}
}

// TestResolveProblem checks that a problem is resolved only with its
// root cause, and that an incident still may be without a note.
func TestResolveProblem(t *testing.T) {
	t.Parallel()
	pr := mustProblem(t, 3)
	err := pr.Resolve("alice", "  ", later)
	if ticket.ErrorCode(err) != ticket.Invalid || !strings.Contains(err.Error(), "root cause") {
		t.Fatalf("Resolve without a root cause = %v, want Invalid naming the root cause", err)
	}
	if pr.Status != ticket.StatusOpen {
		t.Fatal("a refused resolution changed the problem")
	}
	if err := pr.Resolve("alice", "log rotation was off on db1", later); err != nil || pr.Resolution != "log rotation was off on db1" {
		t.Fatalf("Resolve = %v, resolution %q", err, pr.Resolution)
	}
	if err := MustNew(t, ticket.L1).Resolve("alice", "", later); err != nil {
		t.Errorf("an incident without a resolution: %v", err)
	}
}

// TestRecurrenceOf checks the keys incidents recur under: an alert's
// dedup key, a form's category and normalised subject; none for a problem.
func TestRecurrenceOf(t *testing.T) {
	t.Parallel()
	in := MustNew(t, ticket.L1)
	if in.OfKind() != ticket.KindIncident || mustProblem(t, 3).OfKind() != ticket.KindProblem {
		t.Errorf("kinds = %s and %s, want incident and problem", in.OfKind(), mustProblem(t, 3).OfKind())
	}
	if k, ok := ticket.RecurrenceOf(in); !ok || k != ticket.AlertKey("prometheus", "disk-full/db1") {
		t.Errorf("alert key = %+v %v", k, ok)
	}
	form := &ticket.Ticket{Integration: "it-help", Source: "form:it-help", DedupKey: "form:abc", Category: "network", Title: " VPN  down!"}
	if k, ok := ticket.RecurrenceOf(form); !ok || k != ticket.FormKey("it-help", "network", "vpn down") {
		t.Errorf("form key = %+v %v", k, ok)
	}
	if _, ok := ticket.RecurrenceOf(mustProblem(t, 3)); ok {
		t.Error("a problem has a recurrence key")
	}
	if ticket.AlertKey("a", "b").String() == ticket.AlertKey("a#", "b").String() {
		t.Error("two keys spell the same")
	}
	if k, err := ticket.ParseKind("Problem"); err != nil || k != ticket.KindProblem {
		t.Errorf("ParseKind = %v %v", k, err)
	}
	if _, err := ticket.ParseKind("bug"); ticket.ErrorCode(err) != ticket.Invalid {
		t.Errorf("ParseKind(bug) = %v", err)
	}
}
