package desk

import (
	"context"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Acknowledge marks a ticket as taken by who, with an optional note added
// in the same write. A new escalation clock runs towards the resolve
// deadline (see ticket.Ticket.Acknowledge).
func (s *Service) Acknowledge(ctx context.Context, id string, who Actor, note string) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		if err := t.Acknowledge(who.Name, s.Config.Deadlines(t.Policy, t.Tier), now); err != nil {
			return err
		}
		return withNote(t, who, note, now)
	})
}

// withNote adds the note a person gave with another action, if any, in the
// same write: refused with the action if it is refused, never dropped.
func withNote(t *ticket.Ticket, who Actor, note string, now time.Time) error {
	if strings.TrimSpace(ticket.MultiLine(note)) == "" {
		return nil
	}
	return t.AddNote(who.Name, note, now)
}

// AcknowledgeHandOff acknowledges ticket id as who, only while hand-off
// notice is its latest: what a signed action link does (httpapi's
// confirm page). The check and the acknowledgement are one write, so a
// link of a page that a later hand-off superseded (the ticket escalated,
// the top tier was paged again) can never take the ticket, even when the
// two race. A link that no longer may is Conflict, saying why.
func (s *Service) AcknowledgeHandOff(ctx context.Context, id string, notice int, who Actor) (*ticket.Ticket, error) {
	return s.change(ctx, id, who, func(t *ticket.Ticket, now time.Time) error {
		if t.Notices != notice {
			return ticket.Errorf(ticket.Conflict, "ticket %s has moved on since this page (hand-off %d; the latest is %d, to %s)", t.ID, notice, t.Notices, t.Tier)
		}
		return t.Acknowledge(who.Name, s.Config.Deadlines(t.Policy, t.Tier), now)
	})
}
