package desk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestDispatch(t *testing.T) {
	t.Parallel()
	critical := ticket.Signal{Title: "site down", DedupKey: "web", Severity: "critical"}
	tests := []struct {
		name    string
		act     func(tb testing.TB, e *Env) string // writes, and returns the ticket's id
		changes int                                // outbox rows the writes leave
		notices []ticket.Notice                    // of this ticket
		pending []ticket.Wake                      // of this ticket
	}{
		// Ensure a new ticket is handed to L1 and starts its clock at the acknowledge deadline.
		{name: "new_ticket", act: func(tb testing.TB, e *Env) string { return MustTicket(tb, e, Alert("db-1")).ID },
			changes: 1,
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}},
			pending: []ticket.Wake{{Clock: 1, At: start.Add(2 * time.Minute)}}},
		// Ensure a ticket routed to L2 is handed to L2 with L2's deadline.
		{name: "new_ticket_at_l2", act: func(tb testing.TB, e *Env) string { return MustTicket(tb, e, critical).ID },
			changes: 1,
			notices: []ticket.Notice{{Tier: ticket.L2, Seq: 1}},
			pending: []ticket.Wake{{Clock: 1, At: start.Add(5 * time.Minute)}}},
		// Ensure a manual escalation hands off to L2, starts the new clock and stops the old one.
		{name: "manual_escalation", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			e.Clock.Add(time.Minute)
			if _, err := e.Desk.Escalate(ctx, tk.ID, desk.By("bob"), "needs a DBA"); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		}, changes: 1,
			notices: []ticket.Notice{{Tier: ticket.L2, Seq: 2}},
			pending: []ticket.Wake{{Clock: 2, At: start.Add(6 * time.Minute)}}},
		// Ensure an automatic escalation hands off to L2 and leaves the running clock to its timer.
		{name: "automatic_escalation", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			e.Clock.Add(2 * time.Minute)
			if _, _, err := e.Desk.Advance(ctx, WakeOf(tk)); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		}, changes: 1,
			notices: []ticket.Notice{{Tier: ticket.L2, Seq: 2}},
			pending: []ticket.Wake{{Clock: 1, At: start.Add(2 * time.Minute)}}},
		// Ensure resolving stops the clock and pages no one.
		{name: "resolve", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "fixed"); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		}, changes: 1},
		// Ensure a resolve from the sender stops the clock too.
		{name: "resolve_by_signal", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			MustIngest(tb, e, ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"})
			return tk.ID
		}, changes: 1},
		// Ensure reopening hands the ticket to its tier again and starts a new clock.
		{name: "reopen", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "fixed"); err != nil {
				tb.Fatal(err)
			}
			MustSettle(tb, e)
			e.Clock.Add(time.Hour)
			if _, err := e.Desk.Reopen(ctx, tk.ID, desk.By("bob"), "back again"); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		}, changes: 1,
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 2}},
			pending: []ticket.Wake{{Clock: 2, At: start.Add(time.Hour + 2*time.Minute)}}},
		// Ensure a repeat of the alert pages no one and leaves the clock alone.
		{name: "occurrence", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			MustIngest(tb, e, Alert("db-1"))
			return tk.ID
		},
			pending: []ticket.Wake{{Clock: 1, At: start.Add(2 * time.Minute)}}},
		// Ensure an acknowledgement pages no one and moves the clock to the resolve deadline.
		{name: "acknowledge", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			if _, err := e.Desk.Acknowledge(ctx, tk.ID, desk.By("bob"), ""); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		}, changes: 1,
			pending: []ticket.Wake{{Clock: 2, At: start.Add(time.Hour)}}},
		// Ensure notes and assignments page no one.
		{name: "note_and_assign", act: func(tb testing.TB, e *Env) string {
			tk := settled(tb, e, Alert("db-1"))
			if _, err := e.Desk.Note(ctx, tk.ID, desk.By("bob"), "looking"); err != nil {
				tb.Fatal(err)
			}
			if _, err := e.Desk.Assign(ctx, tk.ID, desk.By("bob"), "carol", ""); err != nil {
				tb.Fatal(err)
			}
			return tk.ID
		},
			pending: []ticket.Wake{{Clock: 1, At: start.Add(2 * time.Minute)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			id := tt.act(t, e)
			if changes := MustDispatch(t, e); len(changes) != tt.changes {
				t.Errorf("%d outbox changes, want %d", len(changes), tt.changes)
			}
			CheckNotices(t, MustReceive(t, e), noticesOf(id, tt.notices))
			CheckWakes(t, "Pending", MustPending(t, e, id), wakesOf(id, tt.pending))
		})
	}
}

func TestDispatchOneBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		act     func(tb testing.TB, e *Env, tk *ticket.Ticket) // on a new, undispatched ticket
		notices []ticket.Notice                                // of this ticket
		pending []ticket.Wake                                  // of this ticket
	}{
		// Ensure a timer that a later change of the batch stops is not started at all.
		{name: "created_then_resolved", act: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "false alarm"); err != nil {
				tb.Fatal(err)
			}
		}, notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}}},
		// Ensure only the clock of the manual escalation runs.
		{name: "created_then_escalated", act: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			if _, err := e.Desk.Escalate(ctx, tk.ID, desk.By("bob"), "needs a DBA"); err != nil {
				tb.Fatal(err)
			}
		},
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}, {Tier: ticket.L2, Seq: 2}},
			pending: []ticket.Wake{{Clock: 2, At: start.Add(5 * time.Minute)}}},
		// Ensure a reopen after a resolve in one batch leaves the new clock running.
		{name: "resolved_then_reopened", act: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "fixed"); err != nil {
				tb.Fatal(err)
			}
			if _, err := e.Desk.Reopen(ctx, tk.ID, desk.By("bob"), "back"); err != nil {
				tb.Fatal(err)
			}
		},
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}, {Tier: ticket.L1, Seq: 2}},
			pending: []ticket.Wake{{Clock: 2, At: start.Add(2 * time.Minute)}}},
		// Ensure a resolve after a reopen in one batch leaves no clock running.
		{name: "reopened_then_resolved", act: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			for _, step := range []func() (*ticket.Ticket, error){
				func() (*ticket.Ticket, error) { return e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "fixed") },
				func() (*ticket.Ticket, error) { return e.Desk.Reopen(ctx, tk.ID, desk.By("bob"), "back") },
				func() (*ticket.Ticket, error) { return e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "fixed for real") },
			} {
				if _, err := step(); err != nil {
					tb.Fatal(err)
				}
			}
		},
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}, {Tier: ticket.L1, Seq: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := MustTicket(t, e, Alert("db-1"))
			tt.act(t, e, tk)
			MustDispatch(t, e)
			CheckNotices(t, MustReceive(t, e), noticesOf(tk.ID, tt.notices))
			CheckWakes(t, "Pending", MustPending(t, e, tk.ID), wakesOf(tk.ID, tt.pending))
		})
	}
}

// Ensure dispatching the same changes twice, as a redelivered stream batch
// does, queues nothing twice and starts nothing twice.
func TestDispatchTwice(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	if _, err := e.Desk.Escalate(ctx, tk.ID, desk.By("bob"), "needs a DBA"); err != nil {
		t.Fatal(err)
	}
	critical := MustTicket(t, e, ticket.Signal{Title: "site down", DedupKey: "web", Severity: "critical"})
	changes := MustOutbox(t, e)
	for i := range 2 {
		if err := e.Desk.Dispatch(ctx, changes...); err != nil {
			t.Fatalf("Dispatch %d: %v", i+1, err)
		}
	}
	CheckNotices(t, MustReceive(t, e), []ticket.Notice{
		{TicketID: tk.ID, Tier: ticket.L1, Seq: 1},
		{TicketID: tk.ID, Tier: ticket.L2, Seq: 2},
		{TicketID: critical.ID, Tier: ticket.L2, Seq: 1},
	})
	CheckWakes(t, "Pending", MustPending(t, e, tk.ID), []ticket.Wake{{TicketID: tk.ID, Clock: 2, At: start.Add(5 * time.Minute)}})
	CheckWakes(t, "Pending", MustPending(t, e, critical.ID), []ticket.Wake{{TicketID: critical.ID, Clock: 1, At: start.Add(5 * time.Minute)}})
}

// Ensure a late redelivery of a ticket's first change leaves its running
// timer where the escalation step put it, rather than back at the first
// deadline.
func TestDispatchRedeliveryKeepsTimer(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	first := MustDispatch(t, e)
	e.Clock.Add(2 * time.Minute)
	if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 1 {
		t.Fatalf("Tick=%d, %v, want 1 timer run", n, err)
	}
	want := []ticket.Wake{{TicketID: tk.ID, Clock: 1, At: start.Add(7 * time.Minute)}}
	CheckWakes(t, "Pending after the step", MustPending(t, e, tk.ID), want)
	if err := e.Desk.Dispatch(ctx, first...); err != nil {
		t.Fatal(err)
	}
	CheckWakes(t, "Pending after the redelivery", MustPending(t, e, tk.ID), want)
}

// Ensure nothing to dispatch is no error.
func TestDispatchNothing(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	if err := e.Desk.Dispatch(ctx); err != nil {
		t.Errorf("Dispatch()=%v, want nil", err)
	}
	if err := e.Desk.Dispatch(ctx, ticket.Change{}); err != nil {
		t.Errorf("Dispatch(empty change)=%v, want nil", err)
	}
}

// Ensure a hand-off the queue refuses fails the dispatch before any timer
// starts, so that the retried batch redoes it all.
func TestDispatchQueueFailure(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	bad := &ticket.Ticket{ID: "0000000000000y", Status: ticket.StatusOpen, Notices: 1, Clock: 1, AcknowledgeBy: start.Add(time.Minute)}
	err := e.Desk.Dispatch(ctx, ticket.Change{New: bad})
	if err == nil || !strings.Contains(err.Error(), "dispatch: queue 1 hand-offs") {
		t.Fatalf("Dispatch=%v, want a queue error", err)
	}
	if code := ticket.ErrorCode(err); code != ticket.Unavailable {
		t.Errorf("Code=%v, want %v", code, ticket.Unavailable)
	}
	CheckWakes(t, "Pending", MustPending(t, e, bad.ID), nil)
}

// noticesOf returns ns as notices of ticket id.
func noticesOf(id string, ns []ticket.Notice) []ticket.Notice {
	out := slices.Clone(ns)
	for i := range out {
		out[i].TicketID = id
	}
	return out
}

// wakesOf returns ws as wakes of ticket id.
func wakesOf(id string, ws []ticket.Wake) []ticket.Wake {
	out := slices.Clone(ws)
	for i := range out {
		out[i].TicketID = id
	}
	return out
}
