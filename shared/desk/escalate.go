package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Escalate hands a ticket to the next tier of its policy by hand. The note
// is required: it tells the next tier what was seen and tried. The new tier
// gets its own deadlines and the escalation clock restarts from them.
func (s *Service) Escalate(ctx context.Context, id string, who Actor, note string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		pol := s.Config.Policy(t.Policy)
		to, ok := pol.Above(t.Tier)
		if !ok && t.Status != ticket.StatusResolved {
			return ticket.Errorf(ticket.Conflict, "ticket %s is at %s, the top tier of policy %q", t.ID, t.Tier, pol.Name)
		}
		return t.Escalate(ticket.Escalation{To: to, Actor: who.Name, Reason: "escalated by " + who.String(), Note: note,
			Manual: true, At: now, Deadlines: s.Config.Deadlines(t.Policy, to)})
	})
}
