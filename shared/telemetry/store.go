package telemetry

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Timed is s with each operation's latency in tierline_store_seconds. It
// offers store.Counter only when s does, so the desk takes the same paths
// through it as through s.
func (m *Metrics) Timed(s store.Store) store.Store {
	t := timed{s: s, m: m}
	if c, ok := s.(store.Counter); ok {
		return timedCounter{timed: t, c: c}
	}
	return t
}

type timed struct {
	s store.Store
	m *Metrics
}

func (t timed) Get(ctx context.Context, id string) (*ticket.Ticket, error) {
	defer t.m.observe("get", time.Now())
	return t.s.Get(ctx, id)
}

func (t timed) List(ctx context.Context, q store.Query) (store.Page, error) {
	defer t.m.observe("list", time.Now())
	return t.s.List(ctx, q)
}

func (t timed) Update(ctx context.Context, id string, fn func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	defer t.m.observe("update", time.Now())
	return t.s.Update(ctx, id, fn)
}

func (t timed) Upsert(ctx context.Context, integration, key string, fn func(*ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, error) {
	defer t.m.observe("upsert", time.Now())
	return t.s.Upsert(ctx, integration, key, fn)
}

func (t timed) UpsertAll(ctx context.Context, integration, request string, writes []store.Write) ([]store.Applied, error) {
	defer t.m.observe("upsert_all", time.Now())
	return t.s.UpsertAll(ctx, integration, request, writes)
}

type timedCounter struct {
	timed
	c store.Counter
}

func (t timedCounter) Count(ctx context.Context, integration, key string, r store.Repeat) (string, int, bool, error) {
	defer t.m.observe("count", time.Now())
	return t.c.Count(ctx, integration, key, r)
}

func (t timed) Recur(ctx context.Context, key string, r store.Recurrence, window time.Duration) ([]store.Recurrence, error) {
	defer t.m.observe("recur", time.Now())
	return t.s.Recur(ctx, key, r, window)
}

func (t timed) MarkRecurring(ctx context.Context, key ticket.RecurrenceKey, recs []store.Recurrence) error {
	defer t.m.observe("mark_recurring", time.Now())
	return t.s.MarkRecurring(ctx, key, recs)
}

func (t timed) Recurring(ctx context.Context, since, until time.Time) ([]store.Recurring, error) {
	defer t.m.observe("recurring", time.Now())
	return t.s.Recurring(ctx, since, until)
}

func (t timed) Figures(ctx context.Context, since, until time.Time) ([]figures.Part, error) {
	defer t.m.observe("figures", time.Now())
	return t.s.Figures(ctx, since, until)
}

func (t timed) Unresolved(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error) {
	defer t.m.observe("unresolved", time.Now())
	return t.s.Unresolved(ctx, integration)
}
