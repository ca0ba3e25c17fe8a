package desk_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

func TestIngestTriggerOpensTicket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sig      ticket.Signal
		tier     ticket.Tier
		priority ticket.Priority
		policy   string
		ackIn    time.Duration // AcknowledgeBy after start
		resIn    time.Duration // ResolveBy after start
	}{
		// Ensure an alert no route matches goes to L1 with the priority of its severity.
		{name: "unrouted_alert_lands_at_l1", sig: Alert("db-1"),
			tier: ticket.L1, priority: ticket.P3, policy: "default", ackIn: 2 * time.Minute, resIn: time.Hour},
		// Ensure a severity word maps to its priority when no route sets one.
		{name: "severity_sets_priority", sig: ticket.Signal{Title: "errors", Severity: "error"},
			tier: ticket.L1, priority: ticket.P2, policy: "default", ackIn: 2 * time.Minute, resIn: time.Hour},
		// Ensure a critical alert is routed straight to L2 as P1, with L2's deadlines.
		{name: "critical_routes_to_l2_as_p1", sig: ticket.Signal{Title: "site down", Severity: "critical"},
			tier: ticket.L2, priority: ticket.P1, policy: "default", ackIn: 5 * time.Minute, resIn: 2 * time.Hour},
		// Ensure a route's priority wins over the signal's severity.
		{name: "route_priority_wins", sig: ticket.Signal{Title: "reset my password", Severity: "error", Category: "password"},
			tier: ticket.L1, priority: ticket.P4, policy: "default", ackIn: 2 * time.Minute, resIn: time.Hour},
		// Ensure a route's policy sets the deadlines.
		{name: "route_policy_sets_deadlines", sig: ticket.Signal{Title: "broken laptop", Category: "hardware"},
			tier: ticket.L1, priority: ticket.P3, policy: "hardware", ackIn: 3 * time.Minute, resIn: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			r := MustIngest(t, e, tt.sig)
			if r.Outcome != desk.Created {
				t.Fatalf("Outcome=%v, want %v", r.Outcome, desk.Created)
			}
			tk := MustGet(t, e, r.TicketID)
			if tk.Tier != tt.tier {
				t.Errorf("Tier=%v, want %v", tk.Tier, tt.tier)
			}
			if tk.Priority != tt.priority {
				t.Errorf("Priority=%v, want %v", tk.Priority, tt.priority)
			}
			if tk.Policy != tt.policy {
				t.Errorf("Policy=%q, want %q", tk.Policy, tt.policy)
			}
			if want := start.Add(tt.ackIn); !tk.AcknowledgeBy.Equal(want) {
				t.Errorf("AcknowledgeBy=%v, want %v", tk.AcknowledgeBy, want)
			}
			if want := start.Add(tt.resIn); !tk.ResolveBy.Equal(want) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, want)
			}
			if tk.Status != ticket.StatusOpen || tk.Occurrences != 1 || tk.Notices != 1 || tk.Clock != 1 {
				t.Errorf("Status=%v Occurrences=%d Notices=%d Clock=%d, want open 1 1 1", tk.Status, tk.Occurrences, tk.Notices, tk.Clock)
			}
			if tk.Integration != "prometheus" || tk.Version != 1 || !tk.CreatedAt.Equal(start) {
				t.Errorf("Integration=%q Version=%d CreatedAt=%v, want prometheus 1 %v", tk.Integration, tk.Version, tk.CreatedAt, start)
			}
			if len(tk.Timeline) != 1 || tk.Timeline[0].Kind != ticket.EventCreated || tk.Timeline[0].To != tt.tier {
				t.Errorf("Timeline=%+v, want one created event to %v", tk.Timeline, tt.tier)
			}
		})
	}
}

// Ensure a repeat of an open alert is counted on its ticket, not filed again.
func TestIngestRepeatCountsOccurrences(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	first := MustTicket(t, e, Alert("db-1"))
	for i := 2; i <= 3; i++ {
		e.Clock.Add(time.Minute)
		sig := Alert("db-1")
		sig.Description = "still full"
		r := MustIngest(t, e, sig)
		if r.Outcome != desk.Occurrence || r.TicketID != first.ID {
			t.Fatalf("repeat %d: Result=%+v, want %v on %s", i, r, desk.Occurrence, first.ID)
		}
	}
	tk := MustGet(t, e, first.ID)
	if tk.Occurrences != 3 {
		t.Errorf("Occurrences=%d, want 3", tk.Occurrences)
	}
	if want := start.Add(2 * time.Minute); !tk.LastSeen.Equal(want) {
		t.Errorf("LastSeen=%v, want %v", tk.LastSeen, want)
	}
	if tk.Description != "still full" {
		t.Errorf("Description=%q, want the latest", tk.Description)
	}
	if tk.Notices != 1 || tk.Clock != 1 {
		t.Errorf("Notices=%d Clock=%d, want 1 1: a repeat pages no one", tk.Notices, tk.Clock)
	}
	page, err := e.Desk.List(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tickets) != 1 {
		t.Errorf("%d tickets, want 1", len(page.Tickets))
	}
}

func TestIngestActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		before  ticket.Status // of the ticket of the key; "" for none
		action  ticket.Action
		outcome desk.Outcome
		status  ticket.Status // of the ticket afterwards
	}{
		// Ensure the sender can acknowledge the open ticket of its key.
		{name: "acknowledge_open", before: ticket.StatusOpen, action: ticket.Acknowledge,
			outcome: desk.Acknowledged, status: ticket.StatusAcknowledged},
		// Ensure a repeated acknowledge is valid but does nothing.
		{name: "acknowledge_acknowledged_is_ignored", before: ticket.StatusAcknowledged, action: ticket.Acknowledge,
			outcome: desk.Ignored, status: ticket.StatusAcknowledged},
		// Ensure an acknowledge after the ticket closed does nothing.
		{name: "acknowledge_resolved_is_ignored", before: ticket.StatusResolved, action: ticket.Acknowledge,
			outcome: desk.Ignored, status: ticket.StatusResolved},
		// Ensure an acknowledge of an unknown key does nothing.
		{name: "acknowledge_without_ticket_is_ignored", action: ticket.Acknowledge, outcome: desk.Ignored},
		// Ensure the sender can resolve the open ticket of its key.
		{name: "resolve_open", before: ticket.StatusOpen, action: ticket.Resolve,
			outcome: desk.Resolved, status: ticket.StatusResolved},
		// Ensure a ticket someone took still resolves when the alert clears.
		{name: "resolve_acknowledged", before: ticket.StatusAcknowledged, action: ticket.Resolve,
			outcome: desk.Resolved, status: ticket.StatusResolved},
		// Ensure a repeated resolve is valid but does nothing.
		{name: "resolve_resolved_is_ignored", before: ticket.StatusResolved, action: ticket.Resolve,
			outcome: desk.Ignored, status: ticket.StatusResolved},
		// Ensure a resolve of an unknown key does nothing (a "resolved" for an alert never seen).
		{name: "resolve_without_ticket_is_ignored", action: ticket.Resolve, outcome: desk.Ignored},
		// Ensure senders' synonyms reach the action they name.
		{name: "ok_resolves", before: ticket.StatusOpen, action: "ok",
			outcome: desk.Resolved, status: ticket.StatusResolved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			var before *ticket.Ticket
			if tt.before != "" {
				before = MustTicketIn(t, e, "db-1", tt.before)
				MustOutbox(t, e)
			}
			e.Clock.Add(time.Minute)
			r := MustIngest(t, e, ticket.Signal{Action: tt.action, DedupKey: "db-1"})
			if r.Outcome != tt.outcome {
				t.Errorf("Outcome=%v, want %v", r.Outcome, tt.outcome)
			}
			if before == nil {
				if r.TicketID != "" {
					t.Errorf("TicketID=%q, want none", r.TicketID)
				}
				if page, _ := e.Desk.List(ctx, store.Query{}); len(page.Tickets) != 0 {
					t.Errorf("%d tickets, want none", len(page.Tickets))
				}
				return
			}
			if r.TicketID != before.ID {
				t.Errorf("TicketID=%q, want %q", r.TicketID, before.ID)
			}
			tk := MustGet(t, e, before.ID)
			if tk.Status != tt.status {
				t.Errorf("Status=%v, want %v", tk.Status, tt.status)
			}
			wantVersion := before.Version + 1
			if tt.outcome == desk.Ignored {
				wantVersion = before.Version
			}
			if tk.Version != wantVersion {
				t.Errorf("Version=%d, want %d", tk.Version, wantVersion)
			}
			if tt.outcome != desk.Ignored && Last(t, tk).Actor != "prometheus" {
				t.Errorf("Actor=%q, want the integration", Last(t, tk).Actor)
			}
		})
	}
}

// Ensure a trigger after its ticket was resolved opens a new ticket that
// links the old one, and later repeats count on the new one.
func TestIngestTriggerAfterResolveOpensNewTicket(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	old := MustTicketIn(t, e, "db-1", ticket.StatusResolved)
	e.Clock.Add(time.Minute)
	r := MustIngest(t, e, Alert("db-1"))
	if r.Outcome != desk.Created || r.TicketID == old.ID {
		t.Fatalf("Result=%+v, want %v of a new ticket", r, desk.Created)
	}
	tk := MustGet(t, e, r.TicketID)
	if tk.Previous != old.ID {
		t.Errorf("Previous=%q, want %q", tk.Previous, old.ID)
	}
	if reason := tk.Timeline[0].Reason; !strings.Contains(reason, old.ID) {
		t.Errorf("Reason=%q, want it to name %s", reason, old.ID)
	}
	if st := MustGet(t, e, old.ID).Status; st != ticket.StatusResolved {
		t.Errorf("old Status=%v, want %v", st, ticket.StatusResolved)
	}
	r = MustIngest(t, e, Alert("db-1"))
	if r.Outcome != desk.Occurrence || r.TicketID != tk.ID {
		t.Errorf("repeat: Result=%+v, want %v on %s", r, desk.Occurrence, tk.ID)
	}
}

// Ensure a trigger right after a resolve, in the same millisecond, still
// makes the new ticket the one later signals of the key act on: ticket IDs
// of one millisecond otherwise sort by their random bits.
func TestIngestTriggerAfterResolveInSameMillisecond(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	// The first ID gets the highest random bits, the second the lowest.
	e.Desk.Random = bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0})
	rs, err := e.Desk.Ingest(ctx, "prometheus",
		Alert("db-1"), ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"},
		Alert("db-1"), Alert("db-1"), ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"})
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	want := []desk.Outcome{desk.Created, desk.Resolved, desk.Created, desk.Occurrence, desk.Resolved}
	for i, r := range rs {
		if r.Outcome != want[i] {
			t.Errorf("signal %d: Outcome=%v, want %v", i+1, r.Outcome, want[i])
		}
	}
	if rs[2].TicketID == rs[0].TicketID || rs[3].TicketID != rs[2].TicketID || rs[4].TicketID != rs[2].TicketID {
		t.Errorf("TicketIDs=%v, want the second ticket to take the repeat and the resolve", rs)
	}
	if tk := MustGet(t, e, rs[2].TicketID); tk.Previous != rs[0].TicketID || tk.Occurrences != 2 || tk.Status != ticket.StatusResolved {
		t.Errorf("Previous=%q Occurrences=%d Status=%v, want %s 2 resolved", tk.Previous, tk.Occurrences, tk.Status, rs[0].TicketID)
	}
}

// Ensure one call applies many signals in order, each with its own result.
func TestIngestManySignals(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	rs, err := e.Desk.Ingest(ctx, "prometheus",
		Alert("db-1"), Alert("web-1"), Alert("db-1"),
		ticket.Signal{Action: ticket.Resolve, DedupKey: "web-1"},
		ticket.Signal{Action: ticket.Acknowledge, DedupKey: "db-1"})
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	want := []desk.Outcome{desk.Created, desk.Created, desk.Occurrence, desk.Resolved, desk.Acknowledged}
	if len(rs) != len(want) {
		t.Fatalf("%d results, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		if r.Outcome != want[i] {
			t.Errorf("signal %d: Outcome=%v, want %v", i+1, r.Outcome, want[i])
		}
	}
	db, web := rs[0].TicketID, rs[1].TicketID
	if db == web || rs[2].TicketID != db || rs[3].TicketID != web || rs[4].TicketID != db {
		t.Errorf("TicketIDs=%v, want db-1's signals on one ticket and web-1's on another", rs)
	}
	if tk := MustGet(t, e, db); tk.Occurrences != 2 || tk.Status != ticket.StatusAcknowledged {
		t.Errorf("db-1: Occurrences=%d Status=%v, want 2 acknowledged", tk.Occurrences, tk.Status)
	}
	if tk := MustGet(t, e, web); tk.Status != ticket.StatusResolved {
		t.Errorf("web-1: Status=%v, want resolved", tk.Status)
	}
}

func TestIngestInvalidSignalStoresNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		signals []ticket.Signal
		message string // the error message starts with it
	}{
		// Ensure a lone bad signal is refused with the reason alone.
		{name: "lone_trigger_without_title", signals: []ticket.Signal{{DedupKey: "x"}},
			message: "title is required"},
		// Ensure the bad signal of a batch is named by its place.
		{name: "second_of_three_without_title",
			signals: []ticket.Signal{Alert("db-1"), {DedupKey: "x"}, Alert("web-1")},
			message: "signal 2 of 3: title is required"},
		// Ensure a bad signal last in a batch still stops the earlier ones.
		{name: "last_with_unknown_action",
			signals: []ticket.Signal{Alert("db-1"), Alert("web-1"), {Action: "explode", DedupKey: "db-1"}},
			message: `signal 3 of 3: unknown action "explode"`},
		// Ensure a resolve must name the ticket it resolves.
		{name: "resolve_without_dedup_key",
			signals: []ticket.Signal{Alert("db-1"), {Action: ticket.Resolve}},
			message: "signal 2 of 2: dedup_key is required to resolve"},
		// Ensure a link must be a web address.
		{name: "link_not_http",
			signals: []ticket.Signal{{Title: "x", Links: []ticket.Link{{Href: "javascript:alert(1)"}}}, Alert("db-1")},
			message: "signal 1 of 2: link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			rs, err := e.Desk.Ingest(ctx, "prometheus", tt.signals...)
			if code := ticket.ErrorCode(err); code != ticket.Invalid {
				t.Fatalf("Code=%v, want %v (err: %v)", code, ticket.Invalid, err)
			}
			if msg := ticket.ErrorMessage(err); !strings.HasPrefix(msg, tt.message) {
				t.Errorf("Message=%q, want it to start with %q", msg, tt.message)
			}
			if len(rs) != 0 {
				t.Errorf("Results=%v, want none", rs)
			}
			if page, _ := e.Desk.List(ctx, store.Query{}); len(page.Tickets) != 0 {
				t.Errorf("%d tickets stored, want none", len(page.Tickets))
			}
			if changes := MustOutbox(t, e); len(changes) != 0 {
				t.Errorf("%d outbox changes, want none", len(changes))
			}
		})
	}
}

// Ensure concurrent repeats of one alert make one ticket that counts every
// one of them.
func TestIngestConcurrentRepeats(t *testing.T) {
	t.Parallel()
	const n = 200
	e := MustService(t)
	results := make([]desk.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var rs []desk.Result
			rs, errs[i] = e.Desk.Ingest(ctx, "prometheus", Alert("db-1"))
			if len(rs) == 1 {
				results[i] = rs[0]
			}
		})
	}
	wg.Wait()
	count := map[desk.Outcome]int{}
	ids := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Ingest %d: %v", i, errs[i])
		}
		count[results[i].Outcome]++
		ids[results[i].TicketID] = true
	}
	if count[desk.Created] != 1 || count[desk.Occurrence] != n-1 {
		t.Errorf("Outcomes=%v, want 1 created and %d occurrences", count, n-1)
	}
	if len(ids) != 1 {
		t.Fatalf("%d ticket ids, want 1", len(ids))
	}
	page, err := e.Desk.List(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tickets) != 1 {
		t.Fatalf("%d tickets, want 1", len(page.Tickets))
	}
	if got := page.Tickets[0].Occurrences; got != n {
		t.Errorf("Occurrences=%d, want %d", got, n)
	}
	if got := page.Tickets[0].Version; got != n {
		t.Errorf("Version=%d, want %d: one write per signal", got, n)
	}
}
