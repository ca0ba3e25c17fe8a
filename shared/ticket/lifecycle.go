package ticket

import (
	"slices"
	"time"
)

// The lifecycle: open → acknowledged → resolved, reopen back to open, and
// escalation up the tiers from open or acknowledged. Each method checks the
// move against the current state, changes the ticket, and appends the event
// that records it; a refused move leaves the ticket untouched.

// Acknowledge marks an open ticket as taken by actor, who becomes its
// assignee unless someone already is. d is the tier's deadlines under the
// ticket's policy.
//
// Acknowledging starts a new escalation clock for the resolve deadline, so
// that the deadline is watched whatever became of the clock before (at the
// top tier, it stops once the acknowledge deadline's repeats are used up).
// A resolve deadline that already passed while nobody had the ticket is
// given again from now: whoever takes it has the policy's time to resolve
// it. The resolve deadline gets the policy's repeats of its own.
func (t *Ticket) Acknowledge(actor string, d Deadlines, now time.Time) error {
	switch t.Status {
	case StatusResolved:
		return Errorf(Conflict, "ticket %s is resolved; reopen it before acknowledging", t.ID)
	case StatusAcknowledged:
		return Errorf(Conflict, "ticket %s is already acknowledged by %s", t.ID, t.acknowledger())
	}
	t.Status = StatusAcknowledged
	t.AcknowledgedAt = now
	if !t.ResolveBy.After(now) {
		t.ResolveBy = now.Add(d.Resolve)
	}
	t.Repeats = 0
	t.Clock++
	if t.Assignee == "" {
		t.Assignee = actor
	}
	t.add(Event{At: now, Kind: EventAcknowledged, Actor: actor})
	return nil
}

// Resolve closes an unresolved ticket with a resolution text.
func (t *Ticket) Resolve(actor, resolution string, now time.Time) error {
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is already resolved", t.ID)
	}
	// A problem is worth its root cause: resolving it without saying what
	// it was throws away the one thing problem management is for.
	resolution, err := personNote("resolution", resolution, t.Kind == KindProblem)
	if err != nil && t.Kind == KindProblem && lines(resolution) == "" {
		return Errorf(Invalid, "ticket %s is a problem: resolve it with its root cause, what made its incidents recur and what was done about it", t.ID)
	}
	if err != nil {
		return err
	}
	t.Status = StatusResolved
	t.ResolvedAt = now
	t.Resolution = resolution
	t.add(Event{At: now, Kind: EventResolved, Actor: actor, Note: resolution})
	return nil
}

// Revise replaces the title and/or description of an unresolved ticket
// with a sender's newer text from s, a normalised signal (the Opsgenie
// drop-in's PUT …/message and …/description); empty values leave a field
// as it is, and a replaced field takes the signal's truncation mark. It
// reports whether anything changed. It adds no timeline event: senders
// that revise resend the same text on every notification, and the
// timeline must stay bounded.
func (t *Ticket) Revise(s Signal, now time.Time) bool {
	if t.Status == StatusResolved {
		return false
	}
	changed := false
	if s.Title != "" && s.Title != t.Title {
		t.Title, changed = s.Title, true
		t.Truncated = marked(t.Truncated, FieldTitle, slices.Contains(s.Truncated, FieldTitle))
	}
	if s.Description != "" && s.Description != t.Description {
		t.Description, changed = s.Description, true
		t.Truncated = marked(t.Truncated, FieldDescription, slices.Contains(s.Truncated, FieldDescription))
	}
	if changed {
		t.UpdatedAt = now
	}
	return changed
}

// Escalation is a move of a ticket up to a higher tier.
type Escalation struct {
	To     Tier
	Actor  string
	Reason string // why: "not acknowledged within 15m at L1", "manual"
	Note   string // the hand-off note: what was seen and tried; required when Manual
	Manual bool   // a person asked for it; restarts the escalation clock
	At     time.Time
	Deadlines
}

// Escalate moves an unresolved ticket up to e.To, open and unassigned, with
// the new tier's deadlines from now and a new hand-off. A manual escalation
// must say what was tried, so that the next tier never starts from zero.
func (t *Ticket) Escalate(e Escalation) error {
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is resolved; there is nothing to escalate", t.ID)
	}
	note, err := personNote("the hand-off note", e.Note, false)
	if err != nil {
		return err
	}
	if e.Manual && note == "" {
		return Errorf(Invalid, "a hand-off note is required to escalate: say what was seen and tried")
	}
	if !e.To.Valid() || e.To <= t.Tier {
		if t.Tier == L3 {
			return Errorf(Conflict, "ticket %s is already at L3, the top tier", t.ID)
		}
		return Errorf(Conflict, "ticket %s is at %s; it can only escalate to a higher tier, not %v", t.ID, t.Tier, e.To)
	}
	from := t.Tier
	t.Tier = e.To
	t.Status = StatusOpen
	t.Assignee = ""
	t.AcknowledgedAt = time.Time{}
	t.Escalations++
	t.Repeats = 0
	t.Notices++
	if e.Manual {
		t.Clock++
	}
	t.setDeadlines(e.Deadlines, e.At)
	t.add(Event{At: e.At, Kind: EventEscalated, Actor: e.Actor, From: from, To: e.To,
		Reason: e.Reason, Note: note, Notice: t.Notices})
	return nil
}

// Repeat pages the ticket's tier again after it missed a deadline at the top
// tier, and gives it the deadline again from now.
func (t *Ticket) Repeat(reason string, d Deadlines, now time.Time) error {
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is resolved; there is nothing to repeat", t.ID)
	}
	t.Repeats++
	t.Notices++
	if t.Status == StatusOpen {
		t.AcknowledgeBy = now.Add(d.Acknowledge)
	} else {
		t.ResolveBy = now.Add(d.Resolve)
	}
	t.add(Event{At: now, Kind: EventRepeated, Actor: Tierline, From: t.Tier, To: t.Tier,
		Reason: reason, Notice: t.Notices})
	return nil
}

// Exhaust records that the top tier missed its deadline with no repeats
// left: tierline stops paging, and the ticket stays where it is. It records
// once per deadline (since the latest hand-off or acknowledgement), so a
// late or duplicate timer adds nothing, and reports whether it recorded.
func (t *Ticket) Exhaust(reason string, now time.Time) bool {
	if t.Status == StatusResolved || t.exhausted() {
		return false
	}
	t.add(Event{At: now, Kind: EventExhausted, Actor: Tierline, From: t.Tier, Reason: reason})
	return true
}

// AddNote appends a note. Resolved tickets take notes too: the post-mortem
// belongs on the timeline.
func (t *Ticket) AddNote(actor, note string, now time.Time) error {
	note, err := personNote("note", note, true)
	if err != nil {
		return err
	}
	if err := t.roomForMore(note); err != nil {
		return err
	}
	t.add(Event{At: now, Kind: EventNoted, Actor: actor, Note: note})
	return nil
}

// Assign gives an unresolved ticket to assignee.
func (t *Ticket) Assign(actor, assignee string, now time.Time) error {
	assignee = oneLine(assignee)
	if assignee == "" {
		return Errorf(Invalid, "assignee is required")
	}
	if len(assignee) > MaxName {
		return sizeError("assignee", len(assignee), MaxName)
	}
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is resolved; reopen it before assigning", t.ID)
	}
	if t.Assignee == assignee {
		return Errorf(Conflict, "ticket %s is already assigned to %s", t.ID, assignee)
	}
	if err := t.roomForMore(""); err != nil {
		return err
	}
	t.Assignee = assignee
	t.add(Event{At: now, Kind: EventAssigned, Actor: actor, Assignee: assignee})
	return nil
}

// Reopen brings a resolved ticket back, open at its tier with fresh
// deadlines, a new hand-off and a restarted escalation clock.
func (t *Ticket) Reopen(actor, note string, d Deadlines, now time.Time) error {
	if t.Status != StatusResolved {
		return Errorf(Conflict, "ticket %s is %s; only a resolved ticket can be reopened", t.ID, t.Status)
	}
	note, err := personNote("note", note, false)
	if err != nil {
		return err
	}
	if err := t.roomForMore(note); err != nil {
		return err
	}
	t.Status = StatusOpen
	t.ResolvedAt = time.Time{}
	t.AcknowledgedAt = time.Time{}
	t.Resolution = ""
	t.Repeats = 0
	t.Notices++
	t.Clock++
	t.setDeadlines(d, now)
	t.add(Event{At: now, Kind: EventReopened, Actor: actor, Note: note, To: t.Tier, Notice: t.Notices})
	return nil
}

// RecordDelivery notes that hand-off notice reached channel of the
// hand-off's tier, and that it came late when the ticket had moved on to
// another tier by then. It reports false, and changes nothing, when that
// delivery is already recorded.
func (t *Ticket) RecordDelivery(notice int, channel string, now time.Time) bool {
	if t.Delivered(notice, channel) {
		return false
	}
	e := Event{At: now, Kind: EventNotified, Actor: Tierline, Notice: notice, Channel: channel, To: t.Tier}
	if h, ok := t.HandOff(notice); ok {
		e.To = h.Tier
		if h.MovedOn != nil {
			e.Reason = "late: the ticket had moved on to " + h.MovedOn.To.String()
		}
	}
	t.add(e)
	return true
}

// Tierline is the actor of what tierline does by itself.
const Tierline = "tierline"

func (t *Ticket) acknowledger() string {
	for i := len(t.Timeline) - 1; i >= 0; i-- {
		if t.Timeline[i].Kind == EventAcknowledged {
			return t.Timeline[i].By()
		}
	}
	return "someone"
}

// ActedFor records that the events appended from index since on were done
// by their actor on behalf of person, whom the caller named (the API's
// "actor", the CLI's --as): the timeline keeps both, the authenticated
// actor and the person, never one instead of the other. If the action
// acknowledged the ticket and so made its actor the assignee, person is
// the assignee instead: person is who took it. An empty person changes
// nothing.
func (t *Ticket) ActedFor(since int, person string) error {
	person = oneLine(person)
	if person == "" {
		return nil
	}
	if len(person) > MaxName {
		return sizeError("the actor (the person acted for)", len(person), MaxName)
	}
	for i := max(since, 0); i < len(t.Timeline); i++ {
		e := &t.Timeline[i]
		if e.Actor == person {
			continue
		}
		e.OnBehalf = person
		if e.Kind == EventAcknowledged && t.Assignee == e.Actor {
			t.Assignee = person
		}
	}
	return nil
}

// personNote cleans a note a person or sender gives with an action and
// holds it to MaxNote; what is required must not be blank. what names the
// note in the error.
func personNote(what, note string, required bool) (string, error) {
	note = lines(note)
	if required && note == "" {
		return "", Errorf(Invalid, "%s is required", what)
	}
	if len(note) > MaxNote {
		return "", sizeError(what, len(note), MaxNote)
	}
	return note, nil
}
