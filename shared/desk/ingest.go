package desk

import (
	"context"
	"fmt"

	"github.com/tierline/tierline/shared/ticket"
)

// Outcome is what a signal did.
type Outcome string

// The outcomes of Ingest.
const (
	Created      Outcome = "created"      // a new ticket
	Occurrence   Outcome = "occurrence"   // counted on the open ticket
	Acknowledged Outcome = "acknowledged" // the open ticket was acknowledged
	Resolved     Outcome = "resolved"     // the open ticket was resolved
	Ignored      Outcome = "ignored"      // valid, but nothing to do: no open ticket, or already in that state
)

// Result is the outcome of one signal.
type Result struct {
	TicketID string // empty when Ignored without a ticket
	Outcome  Outcome
}

// Ingest applies signals from an integration, in order, each in one atomic
// write: a trigger opens a ticket or counts an occurrence on the open one,
// an acknowledge or resolve acts on the open one. All signals are checked
// before any is stored, so a bad one stores nothing. Each result is durable
// when Ingest returns it.
func (s *Service) Ingest(ctx context.Context, integration string, signals ...ticket.Signal) ([]Result, error) {
	for i := range signals {
		if err := signals[i].Normalize(); err != nil {
			if len(signals) == 1 {
				return nil, err
			}
			return nil, ticket.Errorf(ticket.Invalid, "signal %d of %d: %s", i+1, len(signals), ticket.ErrorMessage(err))
		}
	}
	results := make([]Result, 0, len(signals))
	for _, sig := range signals {
		r, err := s.ingest(ctx, integration, sig)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

func (s *Service) ingest(ctx context.Context, integration string, sig ticket.Signal) (Result, error) {
	place := s.Config.Route(integration, sig)
	var r Result
	// Upsert may run the closure more than once, so it builds r afresh.
	_, err := s.Store.Upsert(ctx, integration, sig.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		now := s.now()
		open := latest != nil && latest.Status != ticket.StatusResolved
		r = Result{Outcome: Ignored}
		if latest != nil {
			r.TicketID = latest.ID
		}
		switch {
		case sig.Action == ticket.Trigger && !open:
			id, err := s.newID(now, latest)
			if err != nil {
				return nil, err
			}
			t, err := ticket.New(id, integration, sig, place, latest, now)
			if err != nil {
				return nil, err
			}
			r = Result{TicketID: t.ID, Outcome: Created}
			return t, nil
		case sig.Action == ticket.Trigger:
			r.Outcome = Occurrence
			return latest, latest.Occur(sig, now)
		case !open:
			return nil, nil
		case sig.Action == ticket.Acknowledge && latest.Status == ticket.StatusOpen:
			r.Outcome = Acknowledged
			return latest, latest.Acknowledge(integration, now)
		case sig.Action == ticket.Resolve:
			r.Outcome = Resolved
			return latest, latest.Resolve(integration, "resolved by "+integration, now)
		}
		return nil, nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("ingest %s/%s: %w", integration, sig.DedupKey, err)
	}
	return r, nil
}
