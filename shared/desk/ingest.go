package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tierline/tierline/shared/store"
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

// MaxSignals is the most signals one request may carry (a list of generic
// alerts, an Alertmanager group with grouping: alert). A request is
// applied as one unit and answered once it is durable, so its size bounds
// how long the sender waits; more is refused as TooLarge.
const MaxSignals = 1000

// Ingest applies the signals of one request from an integration: a
// trigger opens a ticket or counts an occurrence on the open one, an
// acknowledge, resolve or update acts on the open one, a note goes to the
// open or latest ticket of the key. A signal whose delivery the ticket has
// already applied is a Duplicate and changes nothing. All signals are
// checked before any is stored, and a request is all or nothing: one
// signal is one atomic write, several are one UpsertAll (signals of one
// key in order), so an error stores nothing of the request, and a retry
// of a request that failed part-way (DynamoDB) stores only the rest (the
// signals stored before are Duplicates then). The results are durable
// when Ingest returns them.
func (s *Service) Ingest(ctx context.Context, integration string, signals ...ticket.Signal) ([]Result, error) {
	if len(signals) > MaxSignals {
		return nil, ticket.Errorf(ticket.TooLarge, "the request carries %d alerts; the limit is %d a request: send them in several requests", len(signals), MaxSignals)
	}
	for i := range signals {
		if err := signals[i].Normalize(); err != nil {
			if len(signals) == 1 {
				return nil, err
			}
			return nil, ticket.Errorf(ticket.Invalid, "signal %d of %d: %s", i+1, len(signals), ticket.ErrorMessage(err))
		}
	}
	if len(signals) != 1 {
		return s.ingestAll(ctx, integration, signals)
	}
	r, err := s.ingest(ctx, integration, signals[0])
	if err != nil {
		return nil, err
	}
	return []Result{r}, nil
}

// ingest applies one signal: a repeat that only counts takes the storm
// path (store.Counter, where the store offers one), everything else one Upsert.
func (s *Service) ingest(ctx context.Context, integration string, sig ticket.Signal) (Result, error) {
	if r, ok, err := s.count(ctx, integration, sig); err != nil || ok {
		return r, err
	}
	place := s.Config.Route(integration, sig)
	var r Result
	// Upsert may run the closure more than once, so it builds r afresh.
	stored, err := s.Store.Upsert(ctx, integration, sig.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		var t *ticket.Ticket
		var err error
		r, t, err = s.decide(integration, sig, place, latest)
		return t, err
	})
	if err != nil {
		return Result{}, fmt.Errorf("ingest %s/%s: %w", integration, sig.DedupKey, err)
	}
	if r.Outcome == Created {
		s.recur(ctx, stored)
	}
	return r, nil
}

// count offers sig to the store's storm path when it is a plain repeat:
// a trigger without a note or a delivery id to remember, which on an open
// ticket with the same description and details changes only the count
// and last seen time. ok is false when the store refused it.
func (s *Service) count(ctx context.Context, integration string, sig ticket.Signal) (Result, bool, error) {
	c, counts := s.Store.(store.Counter)
	if !counts || sig.Action != ticket.Trigger || sig.Note != "" || sig.DeliveryID != "" {
		return Result{}, false, nil
	}
	id, n, ok, err := c.Count(ctx, integration, sig.DedupKey, store.Repeat{Description: sig.Description, Details: sig.Details, Truncated: sig.Truncated, At: s.now()})
	switch {
	case err != nil && ok:
		// Counted and durable: answering 5xx would have it sent and counted again.
		s.log().Error("a milestone of a repeat is missing from the timeline", "ticket", id, "occurrences", n, "err", err)
	case err != nil:
		return Result{}, false, fmt.Errorf("ingest %s/%s: %w", integration, sig.DedupKey, err)
	}
	return Result{TicketID: id, Outcome: Occurrence, Truncated: sig.Truncated}, ok, nil
}

// ingestAll applies the signals of a request of several in one UpsertAll.
func (s *Service) ingestAll(ctx context.Context, integration string, signals []ticket.Signal) ([]Result, error) {
	request, err := requestName(integration, signals)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(signals))
	writes := make([]store.Write, len(signals))
	for i, sig := range signals {
		place := s.Config.Route(integration, sig)
		writes[i] = store.Write{DedupKey: sig.DedupKey, Fn: func(latest *ticket.Ticket) (*ticket.Ticket, error) {
			r, t, err := s.decide(integration, sig, place, latest)
			results[i] = r
			return t, err
		}}
	}
	applied, err := s.Store.UpsertAll(ctx, integration, request, writes)
	if err != nil {
		return nil, fmt.Errorf("ingest %d alerts of %s: %w", len(signals), integration, err)
	}
	for i, a := range applied {
		if a.Earlier {
			results[i] = Result{TicketID: a.TicketID, Outcome: Duplicate}
		}
		if results[i].Outcome == Created && a.Ticket != nil {
			s.recur(ctx, a.Ticket)
		}
	}
	return results, nil
}

// requestName names a request by what it asks for, so that a sender's
// retry of it has the same name: a digest of its normalised signals.
func requestName(integration string, signals []ticket.Signal) (string, error) {
	h := sha256.New()
	h.Write([]byte(integration + "\x00"))
	if err := json.NewEncoder(h).Encode(signals); err != nil {
		return "", ticket.Wrap(ticket.Internal, err, "name the request")
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// decide is what sig does to latest, the ticket of its key: the result,
// and the ticket to store (nil for nothing). It runs inside the store's
// write and may run more than once, so it depends only on its arguments.
func (s *Service) decide(integration string, sig ticket.Signal, place ticket.Placement, latest *ticket.Ticket) (Result, *ticket.Ticket, error) {
	now := s.now()
	r := Result{Outcome: Ignored}
	if latest != nil {
		r.TicketID = latest.ID
		if latest.Redelivered(sig) {
			return Result{TicketID: latest.ID, Outcome: Duplicate}, nil, nil
		}
	}
	t, outcome, err := s.apply(integration, sig, place, latest, now)
	if err != nil || t == nil {
		return r, nil, err
	}
	t.RememberDelivery(sig, now)
	return Result{TicketID: t.ID, Outcome: outcome, Truncated: sig.Truncated}, t, nil
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
