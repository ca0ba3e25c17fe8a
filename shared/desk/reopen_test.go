package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestReopen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sig      ticket.Signal
		tier     ticket.Tier
		ack, res time.Duration // the tier's deadlines
	}{
		// Ensure a reopened L1 ticket gets L1's deadlines afresh.
		{name: "at_l1", sig: Alert("db-1"), tier: ticket.L1, ack: 2 * time.Minute, res: time.Hour},
		// Ensure a ticket comes back at the tier it was resolved at.
		{name: "at_l2", sig: ticket.Signal{Title: "site down", DedupKey: "web", Severity: "critical"},
			tier: ticket.L2, ack: 5 * time.Minute, res: 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := MustTicket(t, e, tt.sig)
			if _, err := e.Desk.Acknowledge(ctx, tk.ID, desk.By("ann"), ""); err != nil {
				t.Fatal(err)
			}
			before, err := e.Desk.Resolve(ctx, tk.ID, desk.By("ann"), "restarted")
			if err != nil {
				t.Fatal(err)
			}
			e.Clock.Add(time.Hour)
			now := e.Clock.Now()
			if _, err := e.Desk.Reopen(ctx, tk.ID, desk.By("bob"), "it is back"); err != nil {
				t.Fatalf("Reopen: %v", err)
			}
			tk = MustGet(t, e, tk.ID)
			if tk.Status != ticket.StatusOpen || tk.Tier != tt.tier || tk.Resolution != "" || !tk.ResolvedAt.IsZero() || !tk.AcknowledgedAt.IsZero() {
				t.Errorf("Status=%v Tier=%v Resolution=%q ResolvedAt=%v AcknowledgedAt=%v, want open at %v, cleared",
					tk.Status, tk.Tier, tk.Resolution, tk.ResolvedAt, tk.AcknowledgedAt, tt.tier)
			}
			if !tk.AcknowledgeBy.Equal(now.Add(tt.ack)) || !tk.ResolveBy.Equal(now.Add(tt.res)) {
				t.Errorf("AcknowledgeBy=%v ResolveBy=%v, want %v %v", tk.AcknowledgeBy, tk.ResolveBy, now.Add(tt.ack), now.Add(tt.res))
			}
			if tk.Clock != before.Clock+1 || tk.Notices != before.Notices+1 || tk.Version != before.Version+1 {
				t.Errorf("Clock=%d Notices=%d Version=%d, want %d %d %d", tk.Clock, tk.Notices, tk.Version,
					before.Clock+1, before.Notices+1, before.Version+1)
			}
			want := ticket.Event{At: now, Kind: ticket.EventReopened, Actor: "bob", Note: "it is back", To: tt.tier, Notice: tk.Notices}
			if ev := Last(t, tk); ev != want {
				t.Errorf("last event=%+v, want %+v", ev, want)
			}
		})
	}
}

func TestReopenRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
		id     func(tk *ticket.Ticket) string
		note   string
		later  func(tb testing.TB, e *Env) // runs after the ticket reached status
		want   ticket.Code
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", status: ticket.StatusResolved, id: func(*ticket.Ticket) string { return "0c7g2m4x9k3t1" }, want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", status: ticket.StatusResolved, id: func(*ticket.Ticket) string { return Unknown }, want: ticket.NotFound},
		// Ensure an open ticket cannot be reopened.
		{name: "open", status: ticket.StatusOpen, id: ID, want: ticket.Conflict},
		// Ensure a ticket someone is working on cannot be reopened.
		{name: "acknowledged", status: ticket.StatusAcknowledged, id: ID, want: ticket.Conflict},
		// Ensure a reopen note is held to the note limit.
		{name: "note_too_long", status: ticket.StatusResolved, id: ID, note: strings.Repeat("x", ticket.MaxNote+1), want: ticket.Invalid},
		// Ensure a ticket is not reopened beside the newer open ticket of its alert.
		{name: "newer_ticket_of_key_open", status: ticket.StatusResolved, id: ID, later: func(tb testing.TB, e *Env) {
			e.Clock.Add(time.Minute)
			MustTicket(tb, e, Alert("db-1"))
		}, want: ticket.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			if tt.later != nil {
				tt.later(t, e)
			}
			MustOutbox(t, e)
			_, err := e.Desk.Reopen(ctx, tt.id(before), desk.By("bob"), tt.note)
			CheckRefused(t, e, before, err, tt.want)
		})
	}
}
