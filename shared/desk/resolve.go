package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Resolve closes a ticket with a resolution; its escalation timer stops.
func (s *Service) Resolve(ctx context.Context, id string, who Actor, resolution string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		return t.Resolve(who.Name, resolution, now)
	})
}
