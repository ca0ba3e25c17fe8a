package desk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// recordTimeout bounds the write that records deliveries. That write runs
// even when the caller's context was cancelled (a shutdown, a Lambda
// nearing its deadline): a page that went out and is not written down goes
// out again.
const recordTimeout = 5 * time.Second

// Notify delivers hand-off notice n to every channel of its tier at once
// and records the deliveries that went through in one write. A channel
// that already has the delivery recorded is skipped, so a redelivered
// notice pages no one twice; a channel that failed makes Notify return an
// error, so that the notice comes again and only that channel is tried.
//
// The tier that was due is always paged, however late: a notice that a
// later hand-off to another tier superseded is still delivered, saying
// that the ticket moved on and who has it now (ticket.MovedOn), and is
// logged as a late page. A notice is not sent when a later hand-off went
// to the same tier (that one tells the tier) or when the ticket was
// resolved first, which the timeline records as withheld.
//
// When ctx has a deadline, deliveries are cut off early enough to leave
// time for recording them before it.
func (s *Service) Notify(ctx context.Context, n ticket.Notice) error {
	t, err := s.Store.Get(ctx, n.TicketID)
	if ticket.ErrorCode(err) == ticket.NotFound {
		s.log().Warn("hand-off for a missing ticket dropped", "ticket", n.TicketID, "notice", n.Seq)
		return nil
	}
	if err != nil {
		return err
	}
	h, ok := t.HandOff(n.Seq)
	if !ok {
		s.log().Warn("hand-off not on the timeline dropped", "ticket", n.TicketID, "notice", n.Seq)
		return nil
	}
	pending := s.pending(t, h)
	switch {
	case len(pending) == 0:
		return nil
	case t.Status == ticket.StatusResolved:
		return s.withhold(ctx, t, h, pending)
	case t.Superseded(n.Seq):
		s.log().Info("hand-off superseded by a later one to the same tier; not sent", "ticket", t.ID, "notice", n.Seq,
			"tier", h.Tier.String(), "latest_notice", t.Notices)
		return nil
	}
	dctx, cancel := deliveryContext(ctx)
	delivered, errs := s.deliverAll(dctx, h, pending)
	cancel()
	if h.MovedOn != nil && len(delivered) > 0 {
		s.log().Warn("late page: delivered after the ticket moved on to another tier", "ticket", t.ID, "notice", n.Seq,
			"tier", h.Tier.String(), "moved_on_to", h.MovedOn.To.String(), "channels", delivered, "after", s.now().Sub(h.At).String())
	}
	if err := s.record(ctx, n, delivered); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// pending returns the channels of h's tier that h has not reached yet.
func (s *Service) pending(t *ticket.Ticket, h ticket.HandOff) []policy.Channel {
	var out []policy.Channel
	for _, ch := range s.Config.Channels[h.Tier] {
		if !t.Delivered(h.Seq, ch.Name) {
			out = append(out, ch)
		}
	}
	return out
}

// deliverAll delivers h to every channel in chs at once, so that a slow
// channel does not delay the others, and returns the names of those that
// took it and the failures of the others.
func (s *Service) deliverAll(ctx context.Context, h ticket.HandOff, chs []policy.Channel) (delivered []string, errs []error) {
	results := make([]error, len(chs))
	var wg sync.WaitGroup
	for i, ch := range chs {
		wg.Go(func() { results[i] = s.Notifier.Deliver(ctx, ch, h) })
	}
	wg.Wait()
	for i, err := range results {
		if err != nil {
			errs = append(errs, fmt.Errorf("notify %s channel %s: %w", h.Tier, chs[i].Name, err))
			continue
		}
		delivered = append(delivered, chs[i].Name)
	}
	return delivered, errs
}

// record writes the deliveries of notice n to channels on its ticket's
// timeline, all in one write, however many channels there are.
func (s *Service) record(ctx context.Context, n ticket.Notice, channels []string) error {
	if len(channels) == 0 {
		return nil
	}
	ctx, cancel := recordContext(ctx)
	defer cancel()
	now := s.now()
	_, err := s.Store.Update(ctx, n.TicketID, func(t *ticket.Ticket) error {
		added := false
		for _, ch := range channels {
			added = t.RecordDelivery(n.Seq, ch, now) || added
		}
		if !added {
			return store.ErrSkip
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery of hand-off %d of ticket %s to %v: %w", n.Seq, n.TicketID, channels, err)
	}
	return nil
}

// withhold records, once, that hand-off h of resolved ticket t is not
// needed, so that no one is paged for a closed ticket and the timeline
// says why the tier heard nothing more.
func (s *Service) withhold(ctx context.Context, t *ticket.Ticket, h ticket.HandOff, pending []policy.Channel) error {
	names := make([]string, len(pending))
	for i, ch := range pending {
		names[i] = ch.Name
	}
	s.log().Info("hand-off not needed: the ticket was resolved before it was delivered", "ticket", t.ID, "notice", h.Seq,
		"tier", h.Tier.String(), "channels", names)
	if t.Withheld(h.Seq) {
		return nil
	}
	ctx, cancel := recordContext(ctx)
	defer cancel()
	now := s.now()
	_, err := s.Store.Update(ctx, t.ID, func(t *ticket.Ticket) error {
		if !t.Withhold(h.Seq, now) {
			return store.ErrSkip
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record hand-off %d of ticket %s as withheld: %w", h.Seq, t.ID, err)
	}
	return nil
}

// deliveryContext is ctx with a deadline that ends deliveries early enough
// to record them before ctx's own: half of the time left, at most
// recordTimeout, is kept for the write.
func deliveryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	keep := min(recordTimeout, time.Until(deadline)/2)
	return context.WithDeadline(ctx, deadline.Add(-keep))
}

// recordContext is ctx without its cancellation, bounded by recordTimeout
// and by ctx's deadline.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	end := time.Now().Add(recordTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	return context.WithDeadline(context.WithoutCancel(ctx), end)
}
