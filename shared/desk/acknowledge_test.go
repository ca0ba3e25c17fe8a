package desk_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure acknowledging takes the ticket: it is acknowledged by and
// assigned to who, and a new escalation clock runs towards the resolve
// deadline.
func TestAcknowledge(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	before := MustTicket(t, e, Alert("db-1"))
	MustOutbox(t, e)
	e.Clock.Add(time.Minute)
	tk, err := e.Desk.Acknowledge(ctx, before.ID, desk.By("bob"), "")
	if err != nil {
		t.Fatalf("Acknowledge: %v", err)
	}
	if got := MustGet(t, e, before.ID); got.Version != tk.Version {
		t.Errorf("stored Version=%d, want the returned %d", got.Version, tk.Version)
	}
	if tk.Status != ticket.StatusAcknowledged || tk.Assignee != "bob" {
		t.Errorf("Status=%v Assignee=%q, want acknowledged bob", tk.Status, tk.Assignee)
	}
	if want := start.Add(time.Minute); !tk.AcknowledgedAt.Equal(want) {
		t.Errorf("AcknowledgedAt=%v, want %v", tk.AcknowledgedAt, want)
	}
	if tk.Version != before.Version+1 || tk.Clock != before.Clock+1 || tk.Notices != before.Notices {
		t.Errorf("Version=%d Clock=%d Notices=%d, want %d %d %d", tk.Version, tk.Clock, tk.Notices,
			before.Version+1, before.Clock+1, before.Notices)
	}
	if ev := Last(t, tk); ev.Kind != ticket.EventAcknowledged || ev.Actor != "bob" {
		t.Errorf("last event %s by %q, want acknowledged by bob", ev.Kind, ev.Actor)
	}
	if tk.NextDeadline() != tk.ResolveBy {
		t.Errorf("NextDeadline=%v, want ResolveBy %v", tk.NextDeadline(), tk.ResolveBy)
	}
}

// Ensure an acknowledgement keeps an assignee someone already chose.
func TestAcknowledgeKeepsAssignee(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	if _, err := e.Desk.Assign(ctx, tk.ID, desk.By("lead"), "carol", ""); err != nil {
		t.Fatal(err)
	}
	tk, err := e.Desk.Acknowledge(ctx, tk.ID, desk.By("bob"), "")
	if err != nil {
		t.Fatal(err)
	}
	if tk.Assignee != "carol" {
		t.Errorf("Assignee=%q, want carol", tk.Assignee)
	}
}

func TestAcknowledgeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
		id     func(tk *ticket.Ticket) string
		want   ticket.Code
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return "no-such-id!" }, want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return Unknown }, want: ticket.NotFound},
		// Ensure a ticket someone took cannot be taken again.
		{name: "already_acknowledged", status: ticket.StatusAcknowledged, id: ID, want: ticket.Conflict},
		// Ensure a resolved ticket must be reopened first.
		{name: "resolved", status: ticket.StatusResolved, id: ID, want: ticket.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			MustOutbox(t, e)
			tk, err := e.Desk.Acknowledge(ctx, tt.id(before), desk.By("bob"), "")
			if tk != nil {
				t.Errorf("Acknowledge returned a ticket with its error")
			}
			CheckRefused(t, e, before, err, tt.want)
		})
	}
}
