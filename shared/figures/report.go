package figures

import (
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Unresolved is a tier's unresolved tickets as of now, as a store counts
// them from its tier-and-status index.
type Unresolved struct {
	Open         int
	Acknowledged int
	Oldest       time.Time // the creation of the oldest of them; zero when there are none
}

// Filter narrows a report: to one tier, one integration (or form); zero
// values keep all.
type Filter struct {
	Tier        ticket.Tier
	Integration string
}

// Tier is one tier's figures over a report's window, and its unresolved
// tickets as of now.
type Tier struct {
	Part
	Now Unresolved
}

// Report is the figures of a window of whole hours.
type Report struct {
	Since, Until time.Time
	Tiers        []Tier
	Recurring    []Recurring // most tickets first
}

// Recurring is a key that produced two or more tickets in a report's
// window: an alert's dedup key, or a form's category and subject.
type Recurring struct {
	Key         ticket.RecurrenceKey
	Title       string    // of its latest ticket
	Tickets     int       // created in the window
	Occurrences int       // of those tickets, repeats included
	LastSeen    time.Time // the latest occurrence of any of them
	ProblemID   string    // the key's latest problem record, if it has one
}

// Window is the window of whole hours a report of since to until counts:
// since rounded down to its hour, until up to the end of its hour.
func Window(since, until time.Time) (time.Time, time.Time) {
	end := Hour(until)
	if end.Before(until) {
		end = end.Add(time.Hour)
	}
	return Hour(since), end
}

// Sum reports the parts in the window of whole hours from since to until
// that pass f, with each tier's unresolved tickets, tier by tier from L1.
func Sum(since, until time.Time, parts []Part, now map[ticket.Tier]Unresolved, f Filter) Report {
	r := Report{}
	r.Since, r.Until = Window(since, until)
	for _, tier := range ticket.Tiers {
		if f.Tier.Valid() && tier != f.Tier {
			continue
		}
		t := Tier{Part: Part{Key: Key{Tier: tier}}, Now: now[tier]}
		for _, p := range parts {
			if p.Tier == tier && (f.Integration == "" || p.Integration == f.Integration) &&
				!p.Hour.Before(r.Since) && p.Hour.Before(r.Until) {
				t.Merge(p)
			}
		}
		r.Tiers = append(r.Tiers, t)
	}
	return r
}
