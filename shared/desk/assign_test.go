package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestAssign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
	}{
		// Ensure an open ticket can be given to someone.
		{name: "open", status: ticket.StatusOpen},
		// Ensure a ticket someone took can be handed to someone else.
		{name: "acknowledged", status: ticket.StatusAcknowledged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			MustOutbox(t, e)
			e.Clock.Add(time.Minute)
			if _, err := e.Desk.Assign(ctx, before.ID, desk.By("lead"), " carol ", ""); err != nil {
				t.Fatalf("Assign: %v", err)
			}
			tk := MustGet(t, e, before.ID)
			if tk.Assignee != "carol" || tk.Status != tt.status || tk.Version != before.Version+1 {
				t.Errorf("Assignee=%q Status=%v Version=%d, want carol %v %d", tk.Assignee, tk.Status, tk.Version, tt.status, before.Version+1)
			}
			want := ticket.Event{At: start.Add(time.Minute), Kind: ticket.EventAssigned, Actor: "lead", Assignee: "carol"}
			if ev := Last(t, tk); ev != want {
				t.Errorf("last event=%+v, want %+v", ev, want)
			}
			if changes := MustOutbox(t, e); len(changes) != 0 {
				t.Errorf("%d outbox changes, want none", len(changes))
			}
		})
	}
}

func TestAssignRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   ticket.Status
		id       func(tk *ticket.Ticket) string
		assignee string
		want     ticket.Code
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return "" }, assignee: "carol", want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return Unknown }, assignee: "carol", want: ticket.NotFound},
		// Ensure a ticket is given to someone.
		{name: "blank_assignee", status: ticket.StatusOpen, id: ID, assignee: " ", want: ticket.Invalid},
		// Ensure an assignee is held to the label limit.
		{name: "assignee_too_long", status: ticket.StatusOpen, id: ID, assignee: strings.Repeat("a", ticket.MaxLabelValue+1), want: ticket.Invalid},
		// Ensure giving a ticket to its assignee is no change.
		{name: "same_assignee", status: ticket.StatusAcknowledged, id: ID, assignee: "ann", want: ticket.Conflict},
		// Ensure a resolved ticket must be reopened first.
		{name: "resolved", status: ticket.StatusResolved, id: ID, assignee: "carol", want: ticket.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			MustOutbox(t, e)
			_, err := e.Desk.Assign(ctx, tt.id(before), desk.By("lead"), tt.assignee, "")
			CheckRefused(t, e, before, err, tt.want)
		})
	}
}
