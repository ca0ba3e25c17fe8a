package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Repair is what the sweep did for one suspect ticket.
type Repair struct {
	Stepped bool // the escalation step ran, SweepGrace after the deadline it was due at
	Timer   bool // and its timer was started again, for the next deadline
	Resent  int  // the hand-off sent to its tier again, 0 for none
}

// Empty reports whether the sweep found nothing to repair.
func (r Repair) Empty() bool { return !r.Stepped && r.Resent == 0 }

// Sweep repairs a ticket the sweep suspects (ticket.SweepAt passed): it
// reads the ticket again, as the index that named it may lag, and repairs
// what is late. A step overdue by SweepGrace means its timer was lost (or
// is stuck): the sweep runs the step itself (Advance, which acts only on
// a missed deadline) and starts the timer again for the next deadline,
// which Timer.Start absorbs if the old timer is still there. A hand-off
// with no delivery recorded SweepGrace after it was due is sent to its
// tier's queue again, which the notifier absorbs if it was only slow, and
// the resend is recorded on the timeline (bounded: ticket.MaxResends).
// Running it twice, or on a ticket that moved on, does nothing more.
func (s *Service) Sweep(ctx context.Context, id string) (Repair, error) {
	var r Repair
	t, err := s.Store.Get(ctx, id)
	if ticket.ErrorCode(err) == ticket.NotFound {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	now := s.now()
	if due, ok := t.StepDue(); ok && !now.Before(due.Add(ticket.SweepGrace)) {
		if r.Timer, err = s.step(ctx, t, due); err != nil {
			return r, err
		}
		r.Stepped = true
		if t, err = s.Store.Get(ctx, id); err != nil {
			return r, err
		}
	}
	if n, due, ok := t.DeliveryDue(); ok && !now.Before(due) {
		if err := s.resend(ctx, t, n, now); err != nil {
			return r, err
		}
		r.Resent = n
	}
	return r, nil
}

// step runs the escalation step of a ticket whose timer is late by
// SweepGrace and starts its timer again unless the step is done.
func (s *Service) step(ctx context.Context, t *ticket.Ticket, due time.Time) (started bool, err error) {
	w := ticket.Wake{TicketID: t.ID, Clock: t.Clock, At: due}
	next, done, err := s.Advance(ctx, w)
	if err != nil {
		return false, fmt.Errorf("sweep ticket %s: escalation step: %w", t.ID, err)
	}
	s.log().WarnContext(ctx, "sweep ran a late escalation step; its timer was lost or stuck", "ticket", t.ID,
		"clock", t.Clock, "due", due, "next", next, "done", done)
	if done || next.IsZero() {
		return false, nil
	}
	w.At = next
	if err := s.Timer.Start(ctx, w); err != nil {
		return false, fmt.Errorf("sweep ticket %s: restart timer %s: %w", t.ID, w.Key(), err)
	}
	return true, nil
}

// resend sends hand-off n of t to its tier's queue again and records that.
func (s *Service) resend(ctx context.Context, t *ticket.Ticket, n int, now time.Time) error {
	if err := s.Queue.Send(ctx, ticket.Notice{TicketID: t.ID, Tier: t.Tier, Seq: n}); err != nil {
		return fmt.Errorf("sweep ticket %s: resend hand-off %d: %w", t.ID, n, err)
	}
	_, err := s.Store.Update(ctx, t.ID, func(t *ticket.Ticket) error {
		if !t.RecordResend(n, now) {
			return store.ErrSkip
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sweep ticket %s: record the resend of hand-off %d: %w", t.ID, n, err)
	}
	s.log().WarnContext(ctx, "sweep sent a hand-off again; no delivery was recorded in time", "ticket", t.ID,
		"tier", t.Tier.String(), "notice", n)
	return nil
}
