package main

import (
	"fmt"
	"io"
	"time"
)

// result is what a burst measured.
type result struct {
	alerts, tickets int
	posted          time.Duration // posting the whole burst
	l1Pages         int           // every L1 page, repeats included
	firstL1         time.Duration // from the first post to the first and the last first L1 page
	lastL1          time.Duration
	onTime          int // tickets whose first L1 page arrived before their escalation
	late            int // L1 pages marked as having moved on
	neverL1         int // tickets L1 never heard of
	noEscalation    int // tickets without an L2 page, whose escalation time is unknown
	repeats         int // L1 pages beyond a ticket's first
	bad             int
}

func measure(pages map[string][]page, start time.Time, posted time.Duration, alerts, bad int) result {
	r := result{alerts: alerts, tickets: len(pages), posted: posted, bad: bad, firstL1: -1}
	for _, ps := range pages {
		var first, escalated time.Time
		for _, p := range ps {
			switch p.tier {
			case "L1":
				r.l1Pages++
				if p.late {
					r.late++
				}
				if first.IsZero() || p.arrived.Before(first) {
					first = p.arrived
				}
			case "L2":
				if escalated.IsZero() || p.at.Before(escalated) {
					escalated = p.at
				}
			}
		}
		switch {
		case first.IsZero():
			r.neverL1++
			continue
		case escalated.IsZero():
			r.noEscalation++
		case first.Before(escalated):
			r.onTime++
		}
		at := first.Sub(start)
		if r.firstL1 < 0 || at < r.firstL1 {
			r.firstL1 = at
		}
		r.lastL1 = max(r.lastL1, at)
	}
	r.repeats = r.l1Pages - (r.tickets - r.neverL1)
	return r
}

// report prints r for a person, then one tab-separated line for the
// script: alerts, seconds to post, L1 hand-offs/s, % on time, late pages,
// tickets never paged at L1, repeated L1 pages.
func report(w io.Writer, r result) {
	rate := 0.0
	if r.lastL1 > 0 {
		rate = float64(r.tickets-r.neverL1) / r.lastL1.Seconds()
	}
	pct := 100 * float64(r.onTime) / float64(max(r.alerts, 1))
	fmt.Fprintf(w, "# %d alerts posted in %.2fs; first L1 page after %.2fs, last first L1 page after %.2fs\n",
		r.alerts, r.posted.Seconds(), r.firstL1.Seconds(), r.lastL1.Seconds())
	fmt.Fprintf(w, "# L1 hand-offs/s %.0f; first L1 page before escalation: %d of %d (%.1f%%); late pages (moved on) %d; "+
		"never paged at L1 %d; no L2 page seen %d; repeated L1 pages %d; bad bodies %d\n",
		rate, r.onTime, r.alerts, pct, r.late, r.neverL1, r.noEscalation, r.repeats, r.bad)
	fmt.Fprintf(w, "%d\t%.2f\t%.0f\t%.1f\t%d\t%d\t%d\n", r.alerts, r.posted.Seconds(), rate, pct, r.late, r.neverL1, r.repeats)
}
