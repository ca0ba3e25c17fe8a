package dynamo

import (
	"context"
	"fmt"
	"sync"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// batchWorkers bounds how many keys of one request are written at once:
// a request of a thousand alerts of distinct keys takes a thousand writes,
// which one after another would outlast the API's timeout.
const batchWorkers = 16

// UpsertAll stores the writes of a request (see the package doc's
// "Requests"): it reads the request's journal, then rehearses every write
// (reads each key and runs its fns in order, with Upsert's checks and the
// size limits) and refuses the whole request if any fails, before it
// stores anything. Then it writes each key's writes in order, keys in
// parallel, each write with its journal mark in its transaction, and
// ends the journal once all are stored.
func (s *Store) UpsertAll(ctx context.Context, integration, request string, writes []store.Write) ([]store.Applied, error) {
	for i, w := range writes {
		if err := checkKey(integration, w.DedupKey); err != nil {
			return nil, numbered(i, len(writes), err)
		}
	}
	j, err := s.openJournal(ctx, integration, request)
	if err != nil {
		return nil, err
	}
	groups := byKey(writes)
	rehearse := func(ctx context.Context, g []int) error { return s.rehearse(ctx, integration, writes, g, j) }
	if err := each(ctx, groups, rehearse); err != nil {
		return nil, err
	}
	out := make([]store.Applied, len(writes))
	write := func(ctx context.Context, g []int) error {
		for _, i := range g {
			if id, ok := j.done[i]; ok {
				out[i] = store.Applied{Earlier: true, TicketID: id}
				continue
			}
			w := writes[i]
			t, earlier, err := s.upsert(ctx, integration, w.DedupKey, w.Fn, j.mark(i))
			switch {
			case err != nil:
				return numbered(i, len(writes), err)
			case earlier != "":
				out[i] = store.Applied{Earlier: true, TicketID: earlier}
			case t != nil:
				out[i] = store.Applied{Ticket: t, TicketID: t.ID}
			}
		}
		return nil
	}
	if err := each(ctx, groups, write); err != nil {
		return nil, err
	}
	for _, a := range out {
		j.marked = j.marked || a.TicketID != ""
	}
	if err := s.closeJournal(ctx, j); err != nil {
		return nil, err
	}
	return out, nil
}

// rehearse runs the writes g of one key as UpsertAll would store them,
// each fn on the ticket the write before it left, and checks what they
// return, storing nothing. Writes an earlier attempt stored are in what
// the read sees already.
func (s *Store) rehearse(ctx context.Context, integration string, writes []store.Write, g []int, j *journal) error {
	key := writes[g[0]].DedupKey
	_, latest, err := s.keyState(ctx, integration, key, nil)
	if err != nil {
		return numbered(g[0], len(writes), err)
	}
	for _, i := range g {
		if _, ok := j.done[i]; ok {
			continue
		}
		var old, arg *ticket.Ticket
		if latest != nil {
			o, a := *latest, *latest
			old, arg = &o, &a
		}
		next, err := writes[i].Fn(arg)
		if err == nil && next != nil {
			err = s.check(integration, key, old, next)
		}
		if err != nil {
			return numbered(i, len(writes), err)
		}
		if next != nil {
			latest = next
		}
	}
	return nil
}

// check refuses, as the write itself would, what fn returned for a key
// whose ticket was old: a ticket of another key, a second open ticket, a
// rewritten timeline, items DynamoDB would refuse for their size.
func (s *Store) check(integration, key string, old, next *ticket.Ticket) error {
	if err := checkNext(integration, key, old, next); err != nil {
		return err
	}
	first := 0
	if old != nil && next.ID == old.ID {
		if first = len(old.Timeline); len(next.Timeline) < first {
			return ticket.Errorf(ticket.Internal, "dynamo store: ticket %s: the timeline is append-only", next.ID)
		}
	}
	_, _, err := s.items(next, first, false)
	return err
}

// byKey groups the numbers of writes by key, in the order of each key's
// first write, each group in the order given.
func byKey(writes []store.Write) [][]int {
	at := map[string]int{}
	var groups [][]int
	for i, w := range writes {
		g, ok := at[w.DedupKey]
		if !ok {
			g = len(groups)
			at[w.DedupKey] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// each runs fn on every group, batchWorkers at a time. The first error
// cancels the groups not yet done and is returned.
func each(ctx context.Context, groups [][]int, fn func(context.Context, []int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	next := make(chan []int)
	for range min(batchWorkers, len(groups)) {
		wg.Go(func() {
			for g := range next {
				if err := fn(ctx, g); err != nil {
					mu.Lock()
					if first == nil {
						first = err
						cancel()
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, g := range groups {
		select {
		case next <- g:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return classify(ctx.Err(), "write a request")
	}
	return first
}

func numbered(i, n int, err error) error { return fmt.Errorf("write %d of %d: %w", i+1, n, err) }
