package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Reopen brings a resolved ticket back to its tier with fresh deadlines; the
// tier is notified again and the escalation clock restarts.
func (s *Service) Reopen(ctx context.Context, id string, who Actor, note string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		return t.Reopen(who.Name, note, s.Config.Deadlines(t.Policy, t.Tier), now)
	})
}
