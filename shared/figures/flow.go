// Package figures holds what tierline counts of its tiers: the tier moves
// a stored change stands for (Flow), and the hourly rollups of them, with
// durations, that the stores keep in the same write as the change
// (Part, Of) and GET /v1/metrics sums (Report). It reads only tickets, so
// the stores, the desk, the local runtime's Prometheus registry and the
// Lambda functions' embedded-metric lines all count the same way.
package figures

import "github.com/tierline/tierline/shared/ticket"

// Counts are the moves of one tier.
type Counts struct {
	Entered             int // created at the tier or escalated into it
	Acknowledged        int
	Resolved            int // resolved while at the tier
	Escalated           int // moved out of the tier, automatically or by hand
	Reopened            int
	AcknowledgeBreaches int // an acknowledge deadline missed at the tier
	ResolveBreaches     int // a resolve deadline missed at the tier
}

// Flow is the moves of every tier, indexed by ticket.Tier (index 0 unused).
type Flow [ticket.L3 + 1]Counts

// Of returns the counts of tier t.
func (f *Flow) Of(t ticket.Tier) Counts {
	if !t.Valid() {
		return Counts{}
	}
	return f[t]
}

// Empty reports whether f counts nothing.
func (f *Flow) Empty() bool { return *f == Flow{} }

// Add counts the moves of stored changes. It reads only what every
// change's images carry, the local outbox's reduced images included (tier,
// status, notices, clock), and only changes that ask dispatch for
// something reach it, which every move does: a new ticket, an
// acknowledgement and a reopen start a clock, an escalation and a repeat
// make a hand-off, a resolution stops the clock.
//
// A missed deadline is told by the clock: the timer's escalation and its
// repeat at the top tier make a hand-off on the same clock generation,
// while a person's escalation starts a new one. Which deadline was missed
// follows from the status before: open missed the acknowledge deadline,
// acknowledged the resolve deadline. The top tier's last missed deadline
// (recorded as "exhausted", which asks dispatch for nothing) is not seen.
func (f *Flow) Add(changes ...ticket.Change) {
	for _, c := range changes {
		f.add(c.Old, c.New)
	}
}

func (f *Flow) add(o, n *ticket.Ticket) {
	switch {
	case n == nil || !n.Tier.Valid() || (o != nil && !o.Tier.Valid()):
		return
	case o == nil:
		f[n.Tier].Entered++
		if n.Status == ticket.StatusResolved {
			f[n.Tier].Resolved++
		}
		return
	case o.Status == ticket.StatusResolved && n.Status != ticket.StatusResolved:
		f[n.Tier].Reopened++
		return
	case o.Status != ticket.StatusResolved && n.Status == ticket.StatusResolved:
		f[n.Tier].Resolved++
		return
	case n.Status == ticket.StatusResolved:
		return // a resolved ticket changed (a note): no move
	}
	if n.Tier > o.Tier {
		f[o.Tier].Escalated++
		f[n.Tier].Entered++
	}
	if n.Notices > o.Notices && n.Clock == o.Clock {
		f.breach(o)
	}
	if o.Status == ticket.StatusOpen && n.Status == ticket.StatusAcknowledged {
		f[n.Tier].Acknowledged++
	}
}

// breach counts the deadline o, the ticket before the timer's step, missed.
func (f *Flow) breach(o *ticket.Ticket) {
	if o.Status == ticket.StatusAcknowledged {
		f[o.Tier].ResolveBreaches++
	} else {
		f[o.Tier].AcknowledgeBreaches++
	}
}
