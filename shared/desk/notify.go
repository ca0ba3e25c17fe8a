package desk

import (
	"context"
	"errors"
	"fmt"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Notify delivers a hand-off notice to every channel of its tier and
// records each delivery on the ticket's timeline. A channel that already
// has the delivery recorded is skipped, so a redelivered notice pages no one
// twice; a notice that a later hand-off superseded, or whose ticket was
// resolved in the meantime, pages no one at all. It returns an error when
// a delivery failed, so that the notice is delivered again later.
func (s *Service) Notify(ctx context.Context, n ticket.Notice) error {
	t, err := s.Store.Get(ctx, n.TicketID)
	if ticket.ErrorCode(err) == ticket.NotFound {
		s.log().WarnContext(ctx, "hand-off for a missing ticket dropped", "ticket", n.TicketID, "notice", n.Seq)
		return nil
	}
	if err != nil {
		return err
	}
	h, ok := t.HandOff(n.Seq)
	switch {
	case !ok:
		s.log().WarnContext(ctx, "hand-off not on the timeline dropped", "ticket", n.TicketID, "notice", n.Seq)
		return nil
	case t.Status == ticket.StatusResolved, t.Notices > n.Seq:
		s.log().InfoContext(ctx, "hand-off skipped", "ticket", t.ID, "notice", n.Seq, "status", string(t.Status), "latest_notice", t.Notices)
		return nil
	}
	var errs []error
	for _, ch := range s.Config.Channels[h.Tier] {
		if t.Delivered(n.Seq, ch.Name) {
			continue
		}
		if err := s.Notifier.Deliver(ctx, ch, h); err != nil {
			errs = append(errs, fmt.Errorf("notify %s channel %s: %w", h.Tier, ch.Name, err))
			continue
		}
		_, err := s.Store.Update(ctx, t.ID, func(t *ticket.Ticket) error {
			if !t.RecordDelivery(n.Seq, ch.Name, s.now()) {
				return store.ErrSkip
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("record delivery to %s: %w", ch.Name, err))
		}
	}
	return errors.Join(errs...)
}
