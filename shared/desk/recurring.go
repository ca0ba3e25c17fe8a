package desk

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Bounds of a report's recurring list: the keys it lists, and the latest
// tickets of each whose occurrences it reads. Both bound what a report
// reads beyond the marks, whatever the desk's history.
const (
	MaxRecurring        = 10
	maxRecurringTickets = 20
)

// recurring lists the keys with two or more marked tickets in the
// window, of integration alone unless it is "", most tickets first (the
// latest first where they tie), at most MaxRecurring of them, each with
// its tickets' occurrences and its latest problem.
func (s *Service) recurring(ctx context.Context, marks []store.Recurring, integration string) ([]figures.Recurring, error) {
	byKey := map[ticket.RecurrenceKey][]store.Recurring{}
	for _, m := range marks {
		if integration == "" || m.Key.Integration == integration {
			byKey[m.Key] = append(byKey[m.Key], m) // oldest first, as marks are
		}
	}
	var keys []ticket.RecurrenceKey
	for k, ms := range byKey {
		if len(ms) >= 2 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b ticket.RecurrenceKey) int {
		ma, mb := byKey[a], byKey[b]
		return cmp.Or(cmp.Compare(len(mb), len(ma)),
			mb[len(mb)-1].At.Compare(ma[len(ma)-1].At), cmp.Compare(a.String(), b.String()))
	})
	keys = keys[:min(len(keys), MaxRecurring)]
	out := make([]figures.Recurring, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { out[i], errs[i] = s.recurrence(ctx, k, byKey[k]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recurrence is the entry of key, whose marks in the window are ms: the
// latest maxRecurringTickets of them are read for their occurrences and
// last sighting, and the key's latest problem for its ID.
func (s *Service) recurrence(ctx context.Context, key ticket.RecurrenceKey, ms []store.Recurring) (figures.Recurring, error) {
	r := figures.Recurring{Key: key, Title: ms[len(ms)-1].Title, Tickets: len(ms)}
	for _, m := range ms[max(0, len(ms)-maxRecurringTickets):] {
		t, err := s.Store.Get(ctx, m.TicketID)
		if ticket.ErrorCode(err) == ticket.NotFound {
			continue // purged since it was marked
		}
		if err != nil {
			return r, err
		}
		r.Occurrences += t.Occurrences
		if t.LastSeen.After(r.LastSeen) {
			r.LastSeen = t.LastSeen
		}
	}
	_, err := s.Store.Upsert(ctx, key.Integration, ticket.ProblemDedupKey(key), func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		r.ProblemID = ""
		if latest != nil {
			r.ProblemID = latest.ID
		}
		return nil, nil // a read: stores nothing
	})
	return r, err
}
