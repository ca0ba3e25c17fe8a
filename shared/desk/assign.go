package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Assign gives a ticket to assignee, with an optional note added in the
// same write.
func (s *Service) Assign(ctx context.Context, id string, who Actor, assignee, note string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		if err := t.Assign(who.Name, assignee, now); err != nil {
			return err
		}
		return withNote(t, who, note, now)
	})
}
