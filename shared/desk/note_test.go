package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestNote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
	}{
		// Ensure an open ticket takes notes of what was seen.
		{name: "open", status: ticket.StatusOpen},
		// Ensure the one working on a ticket can note what was tried.
		{name: "acknowledged", status: ticket.StatusAcknowledged},
		// Ensure a resolved ticket takes the post-mortem.
		{name: "resolved", status: ticket.StatusResolved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			MustOutbox(t, e)
			e.Clock.Add(time.Minute)
			if _, err := e.Desk.Note(ctx, before.ID, desk.By("bob"), "checked df -h: /var is full"); err != nil {
				t.Fatalf("Note: %v", err)
			}
			tk := MustGet(t, e, before.ID)
			want := ticket.Event{At: start.Add(time.Minute), Kind: ticket.EventNoted, Actor: "bob", Note: "checked df -h: /var is full"}
			if ev := Last(t, tk); ev != want {
				t.Errorf("last event=%+v, want %+v", ev, want)
			}
			if tk.Status != tt.status || tk.Version != before.Version+1 {
				t.Errorf("Status=%v Version=%d, want %v %d", tk.Status, tk.Version, tt.status, before.Version+1)
			}
			if changes := MustOutbox(t, e); len(changes) != 0 {
				t.Errorf("%d outbox changes, want none: a note pages no one", len(changes))
			}
		})
	}
}

func TestNoteRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   func(tk *ticket.Ticket) string
		note string
		want ticket.Code
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", id: func(*ticket.Ticket) string { return "abc" }, note: "x", want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", id: func(*ticket.Ticket) string { return Unknown }, note: "x", want: ticket.NotFound},
		// Ensure an empty note is refused.
		{name: "empty_note", id: ID, want: ticket.Invalid},
		// Ensure a blank note is refused.
		{name: "blank_note", id: ID, note: "   ", want: ticket.Invalid},
		// Ensure a note is held to its limit.
		{name: "note_too_long", id: ID, note: strings.Repeat("x", ticket.MaxNote+1), want: ticket.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicket(t, e, Alert("db-1"))
			MustOutbox(t, e)
			_, err := e.Desk.Note(ctx, tt.id(before), desk.By("bob"), tt.note)
			CheckRefused(t, e, before, err, tt.want)
		})
	}
}
