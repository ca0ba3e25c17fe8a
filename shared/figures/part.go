package figures

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Key names one rollup: an hour (UTC, on the hour), an integration (or
// form) and a tier. Events count in the hour in which they happened.
type Key struct {
	Hour        time.Time
	Integration string
	Tier        ticket.Tier
}

// Part is what a rollup holds, or what one change adds to it: the moves
// of the tier in the hour, and the durations of the acknowledgements and
// resolutions among them.
type Part struct {
	Key
	Counts
	Acknowledge Hist // entering the tier to the first acknowledgement there
	Resolve     Hist // creation to the resolution, at the tier that resolved it
}

// Hour is the hour of a rollup that an event at t counts in.
func Hour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

// Of returns what a stored change adds to the rollups: a part for each
// tier it moved, in the hour of the change (cur.UpdatedAt, the time of
// its last event). old is nil for a new ticket. Unlike Flow it needs
// the timelines of both images (a store has them when it writes), to
// tell a tier's first acknowledgement from a later one.
func Of(old, cur *ticket.Ticket) []Part {
	if cur == nil {
		return nil
	}
	var f Flow
	f.add(old, cur)
	var parts []Part
	for _, tier := range ticket.Tiers {
		p := Part{Key: Key{Hour: Hour(cur.UpdatedAt), Integration: cur.Integration, Tier: tier}, Counts: f[tier]}
		if tier == cur.Tier {
			p.durations(old, cur)
		}
		if !p.Empty() {
			parts = append(parts, p)
		}
	}
	return parts
}

// durations adds the acknowledgement and resolution cur made at its tier.
func (p *Part) durations(old, cur *ticket.Ticket) {
	if p.Acknowledged > 0 {
		if at, first := entered(old); first {
			p.Acknowledge = One(cur.AcknowledgedAt.Sub(at))
		}
	}
	if p.Resolved > 0 {
		p.Resolve = One(cur.ResolvedAt.Sub(cur.CreatedAt))
	}
}

// entered returns when t entered its tier (its creation or the escalation
// into it) and whether nobody acknowledged it there since.
func entered(t *ticket.Ticket) (time.Time, bool) {
	if t == nil {
		return time.Time{}, false
	}
	for i := len(t.Timeline) - 1; i >= 0; i-- {
		switch e := t.Timeline[i]; e.Kind {
		case ticket.EventAcknowledged:
			return time.Time{}, false
		case ticket.EventCreated, ticket.EventEscalated:
			return e.At, true
		}
	}
	return time.Time{}, false
}

// Empty reports whether p counts nothing.
func (p Part) Empty() bool {
	return p.Counts == Counts{} && len(p.Acknowledge) == 0 && len(p.Resolve) == 0
}

// Merge adds o's counts and durations to p.
func (p *Part) Merge(o Part) {
	c := &p.Counts
	c.Entered += o.Entered
	c.Acknowledged += o.Acknowledged
	c.Resolved += o.Resolved
	c.Escalated += o.Escalated
	c.Reopened += o.Reopened
	c.AcknowledgeBreaches += o.AcknowledgeBreaches
	c.ResolveBreaches += o.ResolveBreaches
	p.Acknowledge = merged(p.Acknowledge, o.Acknowledge)
	p.Resolve = merged(p.Resolve, o.Resolve)
}

func merged(h, o Hist) Hist {
	if len(o) == 0 {
		return h
	}
	h.Merge(o)
	return h
}

// The names of a part's fields, as the stores keep them: a column's or an
// attribute's name beside the key.
const (
	fieldEntered             = "entered"
	fieldAcknowledged        = "acknowledged"
	fieldResolved            = "resolved"
	fieldEscalated           = "escalated"
	fieldReopened            = "reopened"
	fieldAcknowledgeBreaches = "acknowledge_breaches"
	fieldResolveBreaches     = "resolve_breaches"
	prefixAcknowledge        = "tta_" // + the bin
	prefixResolve            = "ttr_"
)

// Fields returns p's counts by name, zeros left out: what a store adds to
// the rollup of p.Key.
func (p Part) Fields() map[string]int {
	out := map[string]int{}
	for name, n := range map[string]int{fieldEntered: p.Entered, fieldAcknowledged: p.Acknowledged,
		fieldResolved: p.Resolved, fieldEscalated: p.Escalated, fieldReopened: p.Reopened,
		fieldAcknowledgeBreaches: p.AcknowledgeBreaches, fieldResolveBreaches: p.ResolveBreaches} {
		if n != 0 {
			out[name] = n
		}
	}
	for b, n := range p.Acknowledge {
		if n != 0 {
			out[prefixAcknowledge+strconv.Itoa(b)] = n
		}
	}
	for b, n := range p.Resolve {
		if n != 0 {
			out[prefixResolve+strconv.Itoa(b)] = n
		}
	}
	return out
}

// FromFields is the part of key k that a store kept as fields.
func FromFields(k Key, fields map[string]int) (Part, error) {
	p := Part{Key: k}
	for name, n := range fields {
		if err := p.AddField(name, n); err != nil {
			return Part{}, err
		}
	}
	return p, nil
}

// AddField adds n to the count or histogram bin of p that a field names.
func (p *Part) AddField(name string, n int) error {
	switch name {
	case fieldEntered:
		p.Entered += n
	case fieldAcknowledged:
		p.Acknowledged += n
	case fieldResolved:
		p.Resolved += n
	case fieldEscalated:
		p.Escalated += n
	case fieldReopened:
		p.Reopened += n
	case fieldAcknowledgeBreaches:
		p.AcknowledgeBreaches += n
	case fieldResolveBreaches:
		p.ResolveBreaches += n
	default:
		return p.addBin(name, n)
	}
	return nil
}

func (p *Part) addBin(name string, n int) error {
	h := &p.Acknowledge
	rest, ok := strings.CutPrefix(name, prefixAcknowledge)
	if !ok {
		h = &p.Resolve
		if rest, ok = strings.CutPrefix(name, prefixResolve); !ok {
			return fmt.Errorf("figures: unknown rollup field %q", name)
		}
	}
	b, err := strconv.Atoi(rest)
	if err != nil || b < 0 {
		return fmt.Errorf("figures: rollup field %q: not a bin", name)
	}
	if b >= MaxBins {
		return fmt.Errorf("figures: rollup field %q: bin past %d", name, MaxBins)
	}
	h.AddBin(b, n)
	return nil
}
