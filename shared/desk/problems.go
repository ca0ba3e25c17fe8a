package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// recur is problem management's step after a new incident is stored: it
// records the incident in its key's index and, when the key has produced
// Problems.After tickets within Problems.Within (counted since the key's
// last problem was resolved), opens the key's problem at Problems.Tier,
// or links the incident to the problem already open. The problem's
// dedup key is the key's (ticket.ProblemDedupKey), so the store's "one
// open ticket per key" keeps one problem open however many Nth incidents
// race. The incident is durable before this runs: an error here is logged
// with the incident, not answered, and the key's next incident links
// every incident of the window that is not linked yet.
func (s *Service) recur(ctx context.Context, incident *ticket.Ticket) {
	if _, err := s.Recur(ctx, incident); err != nil {
		s.log().Error("problem record step failed; the key's next incident catches up", "ticket", incident.ID, "err", err)
	}
}

// Recur runs the problem step for incident and returns the key's open
// problem, or nil when there is none (yet). Running it again for the same
// incident changes nothing.
func (s *Service) Recur(ctx context.Context, incident *ticket.Ticket) (*ticket.Ticket, error) {
	rule := s.Config.Problems
	key, ok := ticket.RecurrenceOf(incident)
	if !ok {
		return nil, nil
	}
	recs, err := s.markRecurring(ctx, key, incident, rule)
	if err != nil || !rule.Enabled() {
		return nil, err
	}
	place := ticket.Placement{Tier: rule.Tier, Priority: rule.Priority, Policy: incident.Policy, Deadlines: s.Config.Deadlines(incident.Policy, rule.Tier)}
	problem, err := s.Store.Upsert(ctx, key.Integration, ticket.ProblemDedupKey(key), func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		now := s.now()
		if latest != nil && latest.Status != ticket.StatusResolved {
			// The open problem's incidents are those since its first.
			first := latest.CreatedAt
			if len(latest.Incidents) > 0 {
				first = latest.Incidents[0].At
			}
			if !latest.LinkIncidents(toIncidents(after(recs, first.Add(-1))), now) {
				return nil, nil
			}
			return latest, nil
		}
		fresh := recs
		if latest != nil {
			fresh = after(recs, latest.ResolvedAt) // after a resolved problem the count starts again
		}
		if len(fresh) < rule.After {
			return nil, nil
		}
		id, err := s.newID(now, latest)
		if err != nil {
			return nil, err
		}
		return ticket.NewProblem(id, key, toIncidents(fresh), rule.Within, place, latest, now)
	})
	if err != nil {
		return nil, fmt.Errorf("problem of %s: %w", incident.ID, err)
	}
	if problem == nil {
		problem, err = s.OpenProblem(ctx, key)
		if problem == nil || err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, in := range problem.Incidents {
		_, err := s.Store.Update(ctx, in.ID, func(t *ticket.Ticket) error {
			if !t.LinkProblem(problem.ID, s.now()) {
				return store.ErrSkip
			}
			return nil
		})
		errs = append(errs, err)
	}
	return problem, errors.Join(errs...)
}

// markRecurring marks incident and the key's earlier tickets recurring
// for the metrics once the key has two tickets within the problems'
// window (policy.DefaultProblemsWithin when problem records are off), and
// returns the key's tickets in the window when it read the key index.
//
// The key index tells it, with a write and a read per new ticket; it is
// kept when problem records are on, and for forms, whose dedup keys are
// one per submission. With problem records off an alert needs no index:
// its ticket names the key's previous one (ticket.Previous), whose ID
// tells when it was created, so only a recurrence costs a write.
func (s *Service) markRecurring(ctx context.Context, key ticket.RecurrenceKey, incident *ticket.Ticket, rule policy.Problems) ([]store.Recurrence, error) {
	_, alert := key.Alert()
	if !rule.Enabled() && alert {
		return nil, s.markAfterPrevious(ctx, key, incident)
	}
	within := rule.Within
	if !rule.Enabled() {
		within = policy.DefaultProblemsWithin
	}
	recs, err := s.Store.Recur(ctx, key.String(), store.Recurrence{TicketID: incident.ID, Title: incident.Title, At: incident.CreatedAt}, within)
	if err != nil || len(recs) < 2 {
		return recs, wrap(err, "record a recurrence of "+incident.ID)
	}
	// Both with the second; each later one by itself (marks are idempotent).
	mark := recs
	if i := slices.IndexFunc(recs, func(r store.Recurrence) bool { return r.TicketID == incident.ID }); len(recs) > 2 && i >= 0 {
		mark = recs[i : i+1]
	}
	return recs, wrap(s.mark(ctx, key, mark), "mark "+incident.ID+" recurring")
}

// markAfterPrevious marks an alert's ticket and the key's previous one
// when the previous was created within policy.DefaultProblemsWithin.
func (s *Service) markAfterPrevious(ctx context.Context, key ticket.RecurrenceKey, incident *ticket.Ticket) error {
	if incident.Previous == "" || incident.CreatedAt.Sub(ticket.IDTime(incident.Previous)) > policy.DefaultProblemsWithin {
		return nil
	}
	recs := []store.Recurrence{{TicketID: incident.Previous, Title: incident.Title}, {TicketID: incident.ID, Title: incident.Title}}
	return wrap(s.mark(ctx, key, recs), "mark "+incident.ID+" recurring")
}

// mark stores recs as marks, each at the creation its ticket's ID tells,
// so that a ticket marked along either path is the same mark.
func (s *Service) mark(ctx context.Context, key ticket.RecurrenceKey, recs []store.Recurrence) error {
	marks := make([]store.Recurrence, len(recs))
	for i, r := range recs {
		marks[i] = store.Recurrence{TicketID: r.TicketID, Title: r.Title, At: ticket.IDTime(r.TicketID).UTC()}
	}
	return s.Store.MarkRecurring(ctx, key, marks)
}

// wrap prefixes err with what failed, keeping its code; nil stays nil.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// OpenProblem returns the open problem of key (ticket.AlertKey for an
// integration's dedup key, ticket.FormKey for a form's category and
// subject), or nil when none is open.
func (s *Service) OpenProblem(ctx context.Context, key ticket.RecurrenceKey) (*ticket.Ticket, error) {
	var open *ticket.Ticket
	// Upsert with a closure that stores nothing is the store's read of a
	// key's open ticket.
	_, err := s.Store.Upsert(ctx, key.Integration, ticket.ProblemDedupKey(key), func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		open = nil
		if latest != nil && latest.Status != ticket.StatusResolved {
			open = latest
		}
		return nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("open problem of %s: %w", key.Integration, err)
	}
	return open, nil
}

// after returns the recurrences later than since.
func after(recs []store.Recurrence, since time.Time) []store.Recurrence {
	var out []store.Recurrence
	for _, r := range recs {
		if r.At.After(since) {
			out = append(out, r)
		}
	}
	return out
}

// toIncidents lists recurrences as a problem lists its incidents.
func toIncidents(recs []store.Recurrence) []ticket.Incident {
	out := make([]ticket.Incident, len(recs))
	for i, r := range recs {
		out[i] = ticket.Incident{ID: r.TicketID, Title: r.Title, At: r.At}
	}
	return out
}
