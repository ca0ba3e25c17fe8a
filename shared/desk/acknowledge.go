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
