package desk

import (
	"context"
	"fmt"

	"github.com/tierline/tierline/shared/ticket"
)

// Dispatch carries out what stored changes ask for (ticket.Change.Effects):
// hand-offs go to their tiers' queues, escalation timers start and stop. It
// is what the dispatch function does with a DynamoDB stream batch and what
// the local runtime does with outbox rows. Redoing a change is harmless: the
// queue's consumer deduplicates notices, and timers start and stop
// idempotently. A timer that a later change in the same batch stops is not
// started at all.
func (s *Service) Dispatch(ctx context.Context, changes ...ticket.Change) error {
	var notices []ticket.Notice
	var starts, stops []ticket.Wake
	stopped := map[string]bool{}
	for _, c := range changes {
		e := c.Effects()
		if e.Notice != nil {
			notices = append(notices, *e.Notice)
		}
		if e.Stop != nil {
			stops = append(stops, *e.Stop)
			stopped[e.Stop.Key()] = true
		}
		if e.Start != nil {
			starts = append(starts, *e.Start)
		}
	}
	live := starts[:0]
	for _, w := range starts {
		if !stopped[w.Key()] {
			live = append(live, w)
		}
	}
	if len(notices) > 0 {
		if err := s.Queue.Send(ctx, notices...); err != nil {
			return fmt.Errorf("dispatch: queue %d hand-offs: %w", len(notices), err)
		}
	}
	if len(stops) > 0 {
		if err := s.Timer.Stop(ctx, stops...); err != nil {
			return fmt.Errorf("dispatch: stop %d timers: %w", len(stops), err)
		}
	}
	if len(live) > 0 {
		if err := s.Timer.Start(ctx, live...); err != nil {
			return fmt.Errorf("dispatch: start %d timers: %w", len(live), err)
		}
	}
	return nil
}
