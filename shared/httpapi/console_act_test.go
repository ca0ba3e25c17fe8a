package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/wire"
)

// lastEvent is the latest event of t's timeline.
func lastEvent(t wire.Ticket) wire.Event { return t.Timeline[len(t.Timeline)-1] }

// Ensure each of the ticket page's forms does what the desk's use case
// of its name does, as the signed-in key (alice), and comes back to the
// ticket's page saying what was done: acknowledge, note, assign (to a
// name, to me), escalate with a note, resolve, reopen.
func TestConsoleActions(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	b.MustSignIn(otherKey)

	steps := []struct {
		action string
		fields url.Values
		check  func(wire.Ticket) bool
		shown  string // on the page after the redirect
	}{
		{"acknowledge", nil, func(tk wire.Ticket) bool { return tk.Status == "acknowledged" && tk.Assignee == "alice" },
			"acknowledged by alice"},
		{"note", url.Values{"note": {"df shows /var at 100%"}}, func(tk wire.Ticket) bool { return lastEvent(tk).Note == "df shows /var at 100%" },
			"noted by alice df shows /var at 100%"},
		{"assign", url.Values{"assignee": {"bob"}}, func(tk wire.Ticket) bool { return tk.Assignee == "bob" },
			"assigned by alice, to bob"},
		{"assign", url.Values{"me": {"1"}, "assignee": {"ignored"}}, func(tk wire.Ticket) bool { return tk.Assignee == "alice" },
			"assigned by alice, to alice"},
		{"escalate", url.Values{"note": {"cleaned /tmp; still full"}}, func(tk wire.Ticket) bool {
			return tk.Tier == "L2" && tk.Status == "open" && lastEvent(tk).Note == "cleaned /tmp; still full"
		}, "escalated by alice, L1 → L2: escalated by alice cleaned /tmp; still full"},
		{"resolve", url.Values{"resolution": {"grew the volume"}}, func(tk wire.Ticket) bool {
			return tk.Status == "resolved" && tk.Resolution == "grew the volume"
		}, "resolved by alice grew the volume"},
		{"reopen", url.Values{"note": {"full again"}}, func(tk wire.Ticket) bool { return tk.Status == "open" && tk.Tier == "L2" },
			"reopened by alice, L2"},
	}
	for _, s := range steps {
		before := b.MustGet(t, id).Version
		page := b.MustAct(id, s.action, s.fields)
		tk := b.MustGet(t, id)
		if tk.Version != before+1 || !s.check(tk) {
			t.Errorf("%s %v: ticket v%d (was v%d) %+v", s.action, s.fields, tk.Version, before, tk)
		}
		if e := lastEvent(tk); e.Actor != "alice" || e.OnBehalf != "" {
			t.Errorf("%s: last event by %q (for %q), want alice, the signed-in key", s.action, e.Actor, e.OnBehalf)
		}
		if flash := Text(t, page, "flash"); flash == "" {
			t.Errorf("%s: no flash message", s.action)
		}
		events := Timeline(t, page)
		if last := events[len(events)-1]; !strings.Contains(last, s.shown) {
			t.Errorf("%s: the timeline ends with %q, want it to say %q", s.action, last, s.shown)
		}
	}
	if page := b.MustPage("/console/tickets/" + id); Text(t, page, "handoff-note") != "full again" {
		t.Errorf("the latest hand-off's note is %q, want the reopen's", Text(t, page, "handoff-note"))
	}
}

// Ensure an escalation without a note is refused, as the desk refuses
// it, with the desk's message on the ticket's page and the ticket
// unchanged; what was typed (blanks) is kept.
func TestConsoleEscalateNeedsNote(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	b.MustSignIn(apiKey)
	before := b.MustSnapshot(t)
	for _, note := range []string{"", "   \n  "} {
		p := b.Act(id, "escalate", url.Values{"note": {note}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Errorf("escalate with note %q: %d, want 422", note, p.Status)
		}
		if msg := Text(t, p, "problem"); !strings.Contains(msg, "a hand-off note is required to escalate") {
			t.Errorf("problem %q, want the desk's message", msg)
		}
		if tier := Text(t, p, "tier"); tier != "L1" {
			t.Errorf("the page shows tier %q, want the ticket as it is: L1", tier)
		}
	}
	b.AssertUnchanged(t, before)
}

// Ensure a refused action keeps what was typed: a long hand-off note is
// not lost when the ticket moved on meanwhile.
func TestConsoleRefusedKeepsText(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	b.MustSignIn(apiKey)
	page := b.MustPage("/console/tickets/" + id)
	b.MustAct(id, "resolve", url.Values{"resolution": {"done"}})
	p := b.Post("/console/tickets/"+id+"/escalate", url.Values{"csrf": {b.CSRF(page)}, "note": {"tried <b>everything</b>"}})
	if p.Status != http.StatusConflict {
		t.Fatalf("escalate a resolved ticket: %d, want 409", p.Status)
	}
	if !strings.Contains(p.Body, "tried &lt;b&gt;everything&lt;/b&gt;") {
		t.Errorf("the typed note is not kept (escaped) on the page: %s", p.Body)
	}
}

// Ensure a conflict (someone resolved it meanwhile) is shown plainly with
// the ticket as it is now, and changes nothing: the second of two
// resolves from the same page.
func TestConsoleConflictShown(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	ops := b
	ops.MustSignIn(apiKey)
	alice := NewBrowser(t, b.API)
	alice.MustSignIn(otherKey)
	page := alice.MustPage("/console/tickets/" + id) // opened before ops resolves
	ops.MustAct(id, "resolve", url.Values{"resolution": {"fixed by ops"}})
	before := b.MustSnapshot(t)

	p := alice.Post("/console/tickets/"+id+"/resolve", url.Values{"csrf": {alice.CSRF(page)}, "resolution": {"fixed by alice"}})
	if p.Status != http.StatusConflict {
		t.Fatalf("the second resolve: %d, want 409; body %s", p.Status, p.Body)
	}
	if msg := Text(t, p, "problem"); !strings.Contains(msg, "already resolved") {
		t.Errorf("problem %q, want it to say the ticket is already resolved", msg)
	}
	if st := Text(t, p, "status"); !strings.HasPrefix(st, "resolved") || Text(t, p, "resolution") != "fixed by ops" {
		t.Errorf("the page shows %q, resolution %q; want the ticket as ops left it", st, Text(t, p, "resolution"))
	}
	if strings.Contains(p.Body, `id="resolve"`) || !strings.Contains(p.Body, `id="reopen"`) {
		t.Error("the page offers to resolve the resolved ticket, or not to reopen it")
	}
	b.AssertUnchanged(t, before)
}

// Ensure the acknowledge of an acknowledged ticket, a ticket that does
// not exist and an action that does not exist are answered with pages,
// not a blank 500.
func TestConsoleActionErrorsArePages(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	b.MustSignIn(apiKey)
	page := b.MustPage("/console/tickets/" + id)
	b.MustAct(id, "acknowledge", nil)
	csrf := b.CSRF(page)
	for path, want := range map[string]int{
		"/console/tickets/" + id + "/acknowledge":     http.StatusConflict,
		"/console/tickets/0000000000000a/acknowledge": http.StatusNotFound,
		"/console/tickets/nonsense/note":              http.StatusNotFound,
		"/console/tickets/" + id + "/delete":          http.StatusNotFound,
	} {
		p := b.Post(path, url.Values{"csrf": {csrf}, "note": {"x"}})
		if p.Status != want || !strings.Contains(p.Header.Get("Content-Type"), "text/html") || !strings.Contains(p.Body, "<h1") {
			t.Errorf("POST %s: %d %q, want %d with a page", path, p.Status, p.Header.Get("Content-Type"), want)
		}
	}
	if p := b.Get("/console/tickets/0000000000000a"); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "not found") {
		t.Errorf("GET a missing ticket: %d %s, want 404 saying not found", p.Status, p.Body)
	}
}
