package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Assign gives a ticket to assignee.
func (s *Service) Assign(ctx context.Context, id, who, assignee string) (*ticket.Ticket, error) {
	return s.change(ctx, id, func(t *ticket.Ticket, now time.Time) error {
		return t.Assign(who, assignee, now)
	})
}
