package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Note adds a note to a ticket's timeline: what was seen or tried.
func (s *Service) Note(ctx context.Context, id string, who Actor, note string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		return t.AddNote(who.Name, note, now)
	})
}
