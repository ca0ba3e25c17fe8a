package desk

import (
	"context"
	"fmt"
	"time"

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
	Duplicate    Outcome = "duplicate"    // a redelivery the ticket already applied, or a form sent twice under one idempotency key
	Noted        Outcome = "noted"        // the sender's note was added to the ticket
	Updated      Outcome = "updated"      // the open ticket's title or description was replaced
)

// Result is the outcome of one signal.
type Result struct {
	TicketID  string // empty when Ignored without a ticket
	Outcome   Outcome
	Truncated []string // the signal's fields cut to their limits, when it was applied (see ticket.Signal.Truncated)
}

// Ingest applies signals from an integration, in order, each in one atomic
// write: a trigger opens a ticket or counts an occurrence on the open one,
// an acknowledge, resolve or update acts on the open one, a note goes to
// the open or latest ticket of the key. A signal whose delivery the ticket
// has already applied is a Duplicate and changes nothing. All signals are
// checked before any is stored, so a bad one stores nothing. Each result
// is durable when Ingest returns it.
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
		r = Result{Outcome: Ignored}
		if latest != nil {
			r.TicketID = latest.ID
			if latest.Redelivered(sig) {
				r.Outcome = Duplicate
				return nil, nil
			}
		}
		t, outcome, err := s.apply(integration, sig, place, latest, now)
		if err != nil || t == nil {
			return nil, err
		}
		t.RememberDelivery(sig, now)
		r = Result{TicketID: t.ID, Outcome: outcome, Truncated: sig.Truncated}
		return t, nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("ingest %s/%s: %w", integration, sig.DedupKey, err)
	}
	return r, nil
}

// apply works out what sig does to latest, the ticket of its key (open, or
// the newest resolved one, or nil): the ticket to store (nil for nothing)
// and the outcome.
func (s *Service) apply(integration string, sig ticket.Signal, place ticket.Placement, latest *ticket.Ticket, now time.Time) (*ticket.Ticket, Outcome, error) {
	open := latest != nil && latest.Status != ticket.StatusResolved
	switch {
	case sig.Action == ticket.Trigger && !open:
		id, err := s.newID(now, latest)
		if err != nil {
			return nil, "", err
		}
		t, err := ticket.New(id, integration, sig, place, latest, now)
		if err != nil {
			return nil, "", err
		}
		noteIfRoom(t, integration, sig.Note, now)
		return t, Created, nil
	case sig.Action == ticket.Trigger:
		// A repeat's note is not news: it is the note of the creation
		// (Opsgenie's "note" is "added while creating the alert"), which a
		// monitor firing every minute would otherwise add every minute.
		if err := latest.Occur(sig, now); err != nil {
			return nil, "", err
		}
		return latest, Occurrence, nil
	case sig.Action == ticket.Annotate && latest != nil:
		// A note is welcome on a resolved ticket too: the post-mortem belongs there.
		return latest, Noted, latest.AddNote(integration, sig.Note, now)
	case !open:
		return nil, Ignored, nil
	case sig.Action == ticket.Update:
		if !latest.Revise(sig, now) {
			return nil, Ignored, nil
		}
		return latest, Updated, nil
	case sig.Action == ticket.Acknowledge && latest.Status == ticket.StatusOpen:
		if err := latest.Acknowledge(integration, s.Config.Deadlines(latest.Policy, latest.Tier), now); err != nil {
			return nil, "", err
		}
		noteIfRoom(latest, integration, sig.Note, now)
		return latest, Acknowledged, nil
	case sig.Action == ticket.Resolve:
		resolution := sig.Note
		if resolution == "" {
			resolution = "resolved by " + integration
		}
		return latest, Resolved, latest.Resolve(integration, resolution, now)
	}
	return nil, Ignored, nil
}

// noteIfRoom adds a sender's note that came with another action. The action
// counts more than the note, so a full timeline drops the note, not the
// alert.
func noteIfRoom(t *ticket.Ticket, actor, note string, now time.Time) {
	if note != "" {
		_ = t.AddNote(actor, note, now) // refused only when the timeline is full
	}
}
