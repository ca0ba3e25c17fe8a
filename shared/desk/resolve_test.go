package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     ticket.Status
		resolution string
	}{
		// Ensure an open ticket can be resolved directly.
		{name: "open", status: ticket.StatusOpen, resolution: "freed space"},
		// Ensure the usual path, acknowledged then resolved, works.
		{name: "acknowledged", status: ticket.StatusAcknowledged, resolution: "freed space"},
		// Ensure a resolution text is optional.
		{name: "without_resolution", status: ticket.StatusOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			e.Clock.Add(time.Minute)
			tk, err := e.Desk.Resolve(ctx, before.ID, desk.By("bob"), tt.resolution)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			got := MustGet(t, e, before.ID)
			if got.Status != ticket.StatusResolved || got.Resolution != tt.resolution || got.Version != before.Version+1 {
				t.Errorf("Status=%v Resolution=%q Version=%d, want resolved %q %d", got.Status, got.Resolution, got.Version,
					tt.resolution, before.Version+1)
			}
			if want := start.Add(time.Minute); !got.ResolvedAt.Equal(want) {
				t.Errorf("ResolvedAt=%v, want %v", got.ResolvedAt, want)
			}
			if ev := Last(t, tk); ev.Kind != ticket.EventResolved || ev.Actor != "bob" || ev.Note != tt.resolution {
				t.Errorf("last event=%+v, want resolved by bob with the resolution", ev)
			}
		})
	}
}

func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     ticket.Status
		id         func(tk *ticket.Ticket) string
		resolution string
		want       ticket.Code
	}{
		// Ensure something that cannot be an id names no ticket.
		{name: "malformed_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return "#42" }, want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown_id", status: ticket.StatusOpen, id: func(*ticket.Ticket) string { return Unknown }, want: ticket.NotFound},
		// Ensure a ticket resolves once.
		{name: "already_resolved", status: ticket.StatusResolved, id: ID, want: ticket.Conflict},
		// Ensure a resolution is held to the note limit.
		{name: "resolution_too_long", status: ticket.StatusOpen, id: ID,
			resolution: strings.Repeat("x", ticket.MaxNote+1), want: ticket.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			before := MustTicketIn(t, e, "db-1", tt.status)
			MustOutbox(t, e)
			_, err := e.Desk.Resolve(ctx, tt.id(before), desk.By("bob"), tt.resolution)
			CheckRefused(t, e, before, err, tt.want)
		})
	}
}
