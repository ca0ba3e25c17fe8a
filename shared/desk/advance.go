package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Advance is the escalation step a timer runs: it applies, as of now, what
// the ticket's missed deadline calls for (policy.Config.Step) and says when
// to run again, or that the timer is done. A timer of an older clock
// generation, a resolved ticket, or a ticket that is gone ends the timer.
// Reading first keeps the common case (nothing due yet) free of writes;
// the decision is taken again inside the write, on the ticket as stored.
func (s *Service) Advance(ctx context.Context, w ticket.Wake) (next time.Time, done bool, err error) {
	t, err := s.Store.Get(ctx, w.TicketID)
	if ticket.ErrorCode(err) == ticket.NotFound {
		return time.Time{}, true, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	now := s.now()
	if t.Clock != w.Clock {
		return time.Time{}, true, nil
	}
	d := s.Config.Step(t, now)
	if d.Verdict == policy.Wait || d.Verdict == policy.Done {
		return d.Next, d.Verdict == policy.Done, nil
	}
	_, err = s.Store.Update(ctx, w.TicketID, func(t *ticket.Ticket) error {
		if t.Clock != w.Clock {
			d = policy.Decision{Verdict: policy.Done}
			return store.ErrSkip
		}
		d = s.Config.Step(t, now)
		switch d.Verdict {
		case policy.Escalate:
			return t.Escalate(ticket.Escalation{To: d.To, Actor: ticket.Tierline, Reason: d.Reason, At: now, Deadlines: d.Deadlines})
		case policy.Repeat:
			return t.Repeat(d.Reason, d.Deadlines, now)
		case policy.Exhausted:
			if t.Exhaust(d.Reason, now) {
				s.log().WarnContext(ctx, "escalation exhausted", "ticket", t.ID, "tier", t.Tier.String(), "reason", d.Reason)
				return nil
			}
		}
		return store.ErrSkip
	})
	if err != nil {
		return time.Time{}, false, err
	}
	if d.Verdict == policy.Escalate {
		s.log().InfoContext(ctx, "ticket escalated", "ticket", w.TicketID, "to", d.To.String(), "reason", d.Reason)
	}
	return d.Next, d.Verdict == policy.Done || d.Verdict == policy.Exhausted, nil
}
