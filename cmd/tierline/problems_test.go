package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// Ensure, through the whole program, problem records: a key recurring
// three times opens one problem at L2, L2's webhook is handed it with the
// three incidents, a fourth incident links to it, and resolving it is
// refused without a root cause and recorded with one.
func TestProblemsEndToEnd(t *testing.T) {
	l2 := newReceiver(t)
	cfg := testConfig(l2.URL) + "problems: {after: 3, within: 7d, tier: L2, priority: P3}\n"
	m := MustRunMain(t, cfg, t.TempDir())
	a := api{t, m.URL}
	alert := `{"title":"Disk full on db-1","dedup_key":"disk-db-1"}`
	var incidents []string
	for range 3 {
		id := a.hook(alert).Results[0].TicketID
		incidents = append(incidents, id)
		a.act(id, "resolve", `{"actor":"alice","resolution":"cleared /tmp"}`)
	}
	problems := a.list("kind=problem").Tickets
	if len(problems) != 1 || problems[0].Kind != "problem" || problems[0].Tier != "L2" || problems[0].Priority != "P3" {
		t.Fatalf("problems = %+v, want one P3 problem at L2", problems)
	}
	pid := problems[0].ID
	for _, id := range incidents {
		if got := a.ticket(id); got.Problem != pid || got.Kind != "incident" {
			t.Errorf("incident %s: kind %s problem %q, want an incident of %s", id, got.Kind, got.Problem, pid)
		}
	}
	if got := a.list("kind=incident").Tickets; len(got) != 3 {
		t.Errorf("kind=incident lists %d tickets, want 3", len(got))
	}
	var handed wire.HandOff
	eventually(t, 10*time.Second, "the problem's hand-off at L2", func() bool {
		for _, msg := range l2.messages() {
			if msg.Tierline.Ticket.ID == pid {
				handed = msg.Tierline
				return true
			}
		}
		return false
	})
	if len(handed.Ticket.Incidents) != 3 {
		t.Fatalf("L2 was handed %d incidents, want 3", len(handed.Ticket.Incidents))
	}
	for i, in := range handed.Ticket.Incidents {
		if in.ID != incidents[i] || in.Title != "Disk full on db-1" || in.CreatedAt.IsZero() {
			t.Errorf("handed incident %d = %+v, want %s with its title and time", i, in, incidents[i])
		}
	}
	fourth := a.hook(alert).Results[0].TicketID
	if got := a.ticket(fourth); got.Problem != pid {
		t.Errorf("the fourth incident names problem %q, want %s", got.Problem, pid)
	}
	if got := a.ticket(pid); len(got.Incidents) != 4 {
		t.Errorf("the problem lists %d incidents, want 4", len(got.Incidents))
	}
	status, body := a.call("POST", "/v1/tickets/"+pid+"/resolve", "ops-key", `{"actor":"bob"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "root cause") {
		t.Fatalf("resolve without a root cause: %d %s, want 422 (invalid, as every refused action) naming the root cause", status, body)
	}
	done := a.act(pid, "resolve", `{"actor":"bob","resolution":"logrotate was off on db hosts"}`)
	if done.Status != "resolved" || done.Resolution != "logrotate was off on db hosts" {
		t.Fatalf("problem after resolve: %s %q", done.Status, done.Resolution)
	}
	if got := a.ticket(fourth); got.Status != "open" {
		t.Errorf("resolving the problem moved its incident to %s", got.Status)
	}
}
