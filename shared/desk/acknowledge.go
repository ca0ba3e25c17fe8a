package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Acknowledge marks a ticket as taken by who. The escalation clock keeps
// running towards the resolve deadline.
func (s *Service) Acknowledge(ctx context.Context, id, who string) (*ticket.Ticket, error) {
	return s.change(ctx, id, func(t *ticket.Ticket, now time.Time) error {
		return t.Acknowledge(who, now)
	})
}
