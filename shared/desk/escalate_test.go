package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestEscalate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(tb testing.TB, e *Env) *ticket.Ticket
		to       ticket.Tier
		ack, res time.Duration // the deadlines of to under the ticket's policy
	}{
		// Ensure an open L1 ticket goes to L2 with L2's deadlines.
		{name: "open_l1_to_l2", setup: open(Alert("db-1")),
			to: ticket.L2, ack: 5 * time.Minute, res: 2 * time.Hour},
		// Ensure a ticket someone took arrives at the next tier open and unassigned.
		{name: "acknowledged_l1_to_l2_open", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketIn(tb, e, "db-1", ticket.StatusAcknowledged)
		}, to: ticket.L2, ack: 5 * time.Minute, res: 2 * time.Hour},
		// Ensure L2 hands over to L3 with L3's deadlines.
		{name: "l2_to_l3", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketAt(tb, e, "db-1", ticket.L2)
		}, to: ticket.L3, ack: 10 * time.Minute, res: 4 * time.Hour},
		// Ensure the next tier's deadlines come from the ticket's own policy.
		{name: "hardware_policy_deadlines", setup: open(hardware),
			to: ticket.L2, ack: 7 * time.Minute, res: 3 * time.Hour},
		// Ensure a tier the policy does not cover is skipped.
		{name: "experts_policy_skips_l2", setup: open(database),
			to: ticket.L3, ack: 20 * time.Minute, res: 8 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := tt.setup(t, e)
			e.Clock.Add(time.Minute)
			now := e.Clock.Now()
			if _, err := e.Desk.Escalate(ctx, before.ID, desk.By("bob"), "  disk is failing; need a swap  "); err != nil {
				t.Fatalf("Escalate: %v", err)
			}
			tk := MustGet(t, e, before.ID)
			if tk.Tier != tt.to || tk.Status != ticket.StatusOpen || tk.Assignee != "" || !tk.AcknowledgedAt.IsZero() {
				t.Errorf("Tier=%v Status=%v Assignee=%q AcknowledgedAt=%v, want %v open, unassigned, unacknowledged",
					tk.Tier, tk.Status, tk.Assignee, tk.AcknowledgedAt, tt.to)
			}
			if !tk.AcknowledgeBy.Equal(now.Add(tt.ack)) || !tk.ResolveBy.Equal(now.Add(tt.res)) {
				t.Errorf("AcknowledgeBy=%v ResolveBy=%v, want %v %v", tk.AcknowledgeBy, tk.ResolveBy, now.Add(tt.ack), now.Add(tt.res))
			}
			if tk.Clock != before.Clock+1 {
				t.Errorf("Clock=%d, want %d: a manual escalation restarts the clock", tk.Clock, before.Clock+1)
			}
			if tk.Notices != before.Notices+1 || tk.Escalations != before.Escalations+1 || tk.Version != before.Version+1 {
				t.Errorf("Notices=%d Escalations=%d Version=%d, want %d %d %d", tk.Notices, tk.Escalations, tk.Version,
					before.Notices+1, before.Escalations+1, before.Version+1)
			}
			want := ticket.Event{At: now, Kind: ticket.EventEscalated, Actor: "bob", From: before.Tier, To: tt.to,
				Reason: "escalated by bob", Note: "disk is failing; need a swap", Notice: tk.Notices}
			if ev := Last(t, tk); ev != want {
				t.Errorf("last event=%+v, want %+v", ev, want)
			}
		})
	}
}

func TestEscalateRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(tb testing.TB, e *Env) *ticket.Ticket
		id      func(tk *ticket.Ticket) string
		note    string
		want    ticket.Code
		message string // part of the error message
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", setup: open(Alert("db-1")), id: func(*ticket.Ticket) string { return "db-1" },
			note: "tried", want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", setup: open(Alert("db-1")), id: func(*ticket.Ticket) string { return Unknown },
			note: "tried", want: ticket.NotFound},
		// Ensure a person escalating must say what was tried.
		{name: "without_note", setup: open(Alert("db-1")), id: ID, want: ticket.Invalid, message: "hand-off note is required"},
		// Ensure a blank note is no note.
		{name: "blank_note", setup: open(Alert("db-1")), id: ID, note: " \n\t", want: ticket.Invalid},
		// Ensure a hand-off note is held to the note limit.
		{name: "note_too_long", setup: open(Alert("db-1")), id: ID, note: strings.Repeat("x", ticket.MaxNote+1), want: ticket.Invalid},
		// Ensure there is nothing above L3 under the default policy.
		{name: "top_tier_of_default", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketAt(tb, e, "db-1", ticket.L3)
		}, id: ID, note: "tried", want: ticket.Conflict, message: `the top tier of policy "default"`},
		// Ensure the top is the ticket's own policy's top: hardware ends at L2.
		{name: "top_tier_of_hardware", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			tk := MustTicket(tb, e, hardware)
			tk, err := e.Desk.Escalate(ctx, tk.ID, desk.By("ann"), "needs a new disk")
			if err != nil {
				tb.Fatal(err)
			}
			return tk
		}, id: ID, note: "tried", want: ticket.Conflict, message: `the top tier of policy "hardware"`},
		// Ensure a resolved ticket stays where it is.
		{name: "resolved", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketIn(tb, e, "db-1", ticket.StatusResolved)
		}, id: ID, note: "tried", want: ticket.Conflict},
		// Ensure a resolved ticket at the top tier is refused as resolved.
		{name: "resolved_at_top_tier", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			tk := MustTicketAt(tb, e, "db-1", ticket.L3)
			tk, err := e.Desk.Resolve(ctx, tk.ID, desk.By("ann"), "fixed")
			if err != nil {
				tb.Fatal(err)
			}
			return tk
		}, id: ID, note: "tried", want: ticket.Conflict, message: "resolved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := tt.setup(t, e)
			MustOutbox(t, e)
			_, err := e.Desk.Escalate(ctx, tt.id(before), desk.By("bob"), tt.note)
			CheckRefused(t, e, before, err, tt.want)
			if msg := ticket.ErrorMessage(err); !strings.Contains(msg, tt.message) {
				t.Errorf("Message=%q, want it to contain %q", msg, tt.message)
			}
		})
	}
}
