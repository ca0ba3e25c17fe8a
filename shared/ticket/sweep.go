package ticket

import (
	"fmt"
	"time"
)

// The sweep is the safety net behind the stream, the tier queues and the
// escalation timers: it looks at an open ticket only when something that
// should have changed it is late, and repairs that. Two things are
// awaited of an open ticket:
//
//   - its escalation step, at its next deadline (unless the top tier's
//     deadlines are exhausted): the timer runs the step, which always
//     changes the ticket (escalated, paged again or exhausted);
//   - the delivery of its latest hand-off while it is open, as soon as it
//     is made: the notifier records it on the timeline within seconds.
//
// SweepAt tells when the first of them is late by SweepGrace. A lost
// hand-off is sent again at most MaxResends times, waiting twice as long
// after each, so that a channel that is down for hours is not flooded
// and the timeline stays bounded.
const (
	SweepGrace = 5 * time.Minute
	MaxResends = 4
)

// SweepAt returns when the ticket becomes a suspect of the sweep: the
// earliest time by which an escalation step or a hand-off delivery is
// SweepGrace late. It is zero when nothing is awaited: resolved, or
// exhausted at the top tier with its hand-off delivered, acknowledged, or
// resent MaxResends times. It depends only on the ticket, so a store can index
// it on every write.
func (t *Ticket) SweepAt() time.Time {
	if t.Status == StatusResolved {
		return time.Time{}
	}
	var at time.Time
	if due, ok := t.StepDue(); ok {
		at = due.Add(SweepGrace)
	}
	if _, due, ok := t.DeliveryDue(); ok && (at.IsZero() || due.Before(at)) {
		at = due
	}
	return at
}

// StepDue returns when the ticket's escalation step is due: its next
// deadline, while it is open or acknowledged and not exhausted.
func (t *Ticket) StepDue() (time.Time, bool) {
	d := t.NextDeadline()
	if d.IsZero() || t.exhausted() {
		return time.Time{}, false
	}
	return d, true
}

// DeliveryDue returns the latest hand-off of an open ticket while no
// delivery of it is recorded, and when the sweep is to send it (again):
// SweepGrace after it was made, then twice as long after each resend. ok
// is false once it is delivered or resent MaxResends times, and for a
// ticket someone acknowledged or resolved: they know already.
func (t *Ticket) DeliveryDue() (notice int, at time.Time, ok bool) {
	if t.Status != StatusOpen || t.Notices == 0 {
		return 0, time.Time{}, false
	}
	var made, last time.Time
	resends := 0
	for _, e := range t.Timeline {
		if e.Notice != t.Notices {
			continue
		}
		switch e.Kind {
		case EventNotified:
			return 0, time.Time{}, false
		case EventResent:
			resends, last = resends+1, e.At
		case EventCreated, EventEscalated, EventRepeated, EventReopened:
			made = e.At
		}
	}
	switch {
	case made.IsZero(), resends >= MaxResends:
		return 0, time.Time{}, false
	case resends == 0:
		return t.Notices, made.Add(SweepGrace), true
	}
	return t.Notices, last.Add(SweepGrace << resends), true
}

// RecordResend notes that the sweep sent hand-off notice to its tier again
// because no delivery of it was recorded in time. It reports false, and
// changes nothing, when that hand-off is no longer due (delivered in the
// meantime, no longer the latest, or not late yet).
func (t *Ticket) RecordResend(notice int, now time.Time) bool {
	n, due, ok := t.DeliveryDue()
	if !ok || n != notice || now.Before(due) {
		return false
	}
	resends := 0
	for _, e := range t.Timeline {
		if e.Kind == EventResent && e.Notice == notice {
			resends++
		}
	}
	t.add(Event{At: now, Kind: EventResent, Actor: Tierline, Notice: notice, To: t.Tier,
		Reason: fmt.Sprintf("no delivery recorded in time; resend %d of %d", resends+1, MaxResends)})
	return true
}

// exhausted reports whether the top tier's deadline ran out since the
// latest hand-off or acknowledgement (which sets the resolve deadline):
// tierline stopped paging, and no step is awaited until the next one.
func (t *Ticket) exhausted() bool {
	for i := len(t.Timeline) - 1; i >= 0; i-- {
		switch t.Timeline[i].Kind {
		case EventExhausted:
			return true
		case EventCreated, EventEscalated, EventRepeated, EventReopened, EventAcknowledged:
			return false
		}
	}
	return false
}
