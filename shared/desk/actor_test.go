package desk_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// TestActionsKeepTheNote checks that acknowledge and assign record the note
// they are given in the same write as the action, by the api key acting
// for the person it names; and that a note the ticket cannot take refuses
// the action, rather than being dropped.
func TestActionsKeepTheNote(t *testing.T) {
	t.Parallel()
	ops := desk.Actor{Name: "ops", OnBehalf: "alice"}
	tests := []struct {
		name     string
		act      func(e *Env, id, note string) (*ticket.Ticket, error)
		kind     ticket.EventKind
		assignee string
	}{
		{name: "acknowledge", kind: ticket.EventAcknowledged, assignee: "alice",
			act: func(e *Env, id, note string) (*ticket.Ticket, error) { return e.Desk.Acknowledge(ctx, id, ops, note) }},
		{name: "assign", kind: ticket.EventAssigned, assignee: "carol",
			act: func(e *Env, id, note string) (*ticket.Ticket, error) {
				return e.Desk.Assign(ctx, id, ops, "carol", note)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicket(t, e, Alert("db-1"))
			MustOutbox(t, e)
			_, err := tt.act(e, before.ID, strings.Repeat("n", ticket.MaxNote+1))
			CheckRefused(t, e, before, err, ticket.Invalid)
			tk, err := tt.act(e, before.ID, "  checked the disk\r\n")
			if err != nil {
				t.Fatal(err)
			}
			if tk.Version != before.Version+1 || len(tk.Timeline) != len(before.Timeline)+2 {
				t.Fatalf("Version=%d with %d events, want one write of two events", tk.Version, len(tk.Timeline))
			}
			action, note := tk.Timeline[len(tk.Timeline)-2], Last(t, tk)
			if action.Kind != tt.kind || note.Kind != ticket.EventNoted || note.Note != "checked the disk" {
				t.Errorf("events %s, %s %q; want %s then the note", action.Kind, note.Kind, note.Note, tt.kind)
			}
			for _, ev := range []ticket.Event{action, note} {
				if ev.Actor != "ops" || ev.OnBehalf != "alice" {
					t.Errorf("%s by %q for %q, want ops for alice", ev.Kind, ev.Actor, ev.OnBehalf)
				}
			}
			if tk.Assignee != tt.assignee {
				t.Errorf("Assignee=%q, want %q", tk.Assignee, tt.assignee)
			}
		})
	}
}

// Ensure a blank note with an action adds no note event.
func TestActionsBlankNote(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	before := MustTicket(t, e, Alert("db-1"))
	tk, err := e.Desk.Acknowledge(ctx, before.ID, desk.By("ops"), " \n ")
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Timeline) != len(before.Timeline)+1 || Last(t, tk).Kind != ticket.EventAcknowledged {
		t.Errorf("timeline ends %s with %d events, want only the acknowledgement", Last(t, tk).Kind, len(tk.Timeline))
	}
}

// Ensure what a form lets a person type fits the ticket whole, whatever
// the script: the form's limits, in characters of up to 4 bytes, are
// within ticket's, in bytes.
func TestFormLimitsFitTheTicket(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		field      string
		form, tick int
	}{
		{desk.FieldName, desk.MaxRequesterName * utf8.UTFMax, ticket.MaxRequester},
		{desk.FieldEmail, desk.MaxEmail, ticket.MaxEmail},
		{desk.FieldSubject, desk.MaxSubject * utf8.UTFMax, ticket.MaxTitle},
		{desk.FieldDetails, desk.MaxDetails * utf8.UTFMax, ticket.MaxDescription},
	} {
		if c.form > c.tick {
			t.Errorf("the form's %s may take %d bytes, over the ticket's %d", c.field, c.form, c.tick)
		}
	}
}
