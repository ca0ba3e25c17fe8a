package ticket

import (
	"strings"
	"time"
)

// The lifecycle: open → acknowledged → resolved, reopen back to open, and
// escalation up the tiers from open or acknowledged. Each method checks the
// move against the current state, changes the ticket, and appends the event
// that records it; a refused move leaves the ticket untouched.

// Acknowledge marks an open ticket as taken by actor, who becomes its
// assignee unless someone already is.
func (t *Ticket) Acknowledge(actor string, now time.Time) error {
	switch t.Status {
	case StatusResolved:
		return Errorf(Conflict, "ticket %s is resolved; reopen it before acknowledging", t.ID)
	case StatusAcknowledged:
		return Errorf(Conflict, "ticket %s is already acknowledged by %s", t.ID, t.acknowledger())
	}
	t.Status = StatusAcknowledged
	t.AcknowledgedAt = now
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
	if err := checkNote(resolution, false); err != nil {
		return err
	}
	t.Status = StatusResolved
	t.ResolvedAt = now
	t.Resolution = strings.TrimSpace(resolution)
	t.add(Event{At: now, Kind: EventResolved, Actor: actor, Note: resolution})
	return nil
}

// Revise replaces the title and/or description of an unresolved ticket
// with a sender's newer text (the Opsgenie drop-in's PUT …/message and
// …/description); empty values leave a field as it is. It reports whether
// anything changed. It adds no timeline event: senders that revise resend
// the same text on every notification, and the timeline must stay bounded.
func (t *Ticket) Revise(title, description string, now time.Time) bool {
	if t.Status == StatusResolved {
		return false
	}
	changed := false
	if title != "" && title != t.Title {
		t.Title, changed = title, true
	}
	if description != "" && description != t.Description {
		t.Description, changed = description, true
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
	if e.Manual && strings.TrimSpace(e.Note) == "" {
		return Errorf(Invalid, "a hand-off note is required to escalate: say what was seen and tried")
	}
	if err := checkNote(e.Note, false); err != nil {
		return err
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
		Reason: e.Reason, Note: e.Note, Notice: t.Notices})
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
// once per hand-off, so a late or duplicate timer adds nothing, and reports
// whether it recorded.
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
	if err := checkNote(note, true); err != nil {
		return err
	}
	if err := t.roomForMore(); err != nil {
		return err
	}
	t.add(Event{At: now, Kind: EventNoted, Actor: actor, Note: note})
	return nil
}

// Assign gives an unresolved ticket to assignee.
func (t *Ticket) Assign(actor, assignee string, now time.Time) error {
	assignee = strings.TrimSpace(assignee)
	if assignee == "" {
		return Errorf(Invalid, "assignee is required")
	}
	if len(assignee) > MaxLabelValue {
		return Errorf(Invalid, "assignee is longer than %d bytes", MaxLabelValue)
	}
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is resolved; reopen it before assigning", t.ID)
	}
	if t.Assignee == assignee {
		return Errorf(Conflict, "ticket %s is already assigned to %s", t.ID, assignee)
	}
	if err := t.roomForMore(); err != nil {
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
	if err := checkNote(note, false); err != nil {
		return err
	}
	if err := t.roomForMore(); err != nil {
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

// RecordDelivery notes that hand-off notice reached channel. It reports
// false, and changes nothing, when that delivery is already recorded.
func (t *Ticket) RecordDelivery(notice int, channel string, now time.Time) bool {
	if t.Delivered(notice, channel) {
		return false
	}
	t.add(Event{At: now, Kind: EventNotified, Actor: Tierline, Notice: notice, Channel: channel, To: t.Tier})
	return true
}

// Tierline is the actor of what tierline does by itself.
const Tierline = "tierline"

func (t *Ticket) acknowledger() string {
	for i := len(t.Timeline) - 1; i >= 0; i-- {
		if t.Timeline[i].Kind == EventAcknowledged {
			return t.Timeline[i].Actor
		}
	}
	return "someone"
}

// roomForMore refuses what people can repeat without limit (notes,
// assignments, reopens) once the timeline is full. What tierline records by
// itself is bounded by the tiers and repeats, and resolving is never refused.
func (t *Ticket) roomForMore() error {
	if len(t.Timeline) >= MaxTimeline {
		return Errorf(Conflict, "ticket %s has %d timeline events, the limit; open a new ticket", t.ID, MaxTimeline)
	}
	return nil
}

func checkNote(note string, required bool) error {
	if required && strings.TrimSpace(note) == "" {
		return Errorf(Invalid, "note is required")
	}
	if len(note) > MaxNote {
		return Errorf(Invalid, "note is %d bytes long; the limit is %d", len(note), MaxNote)
	}
	return nil
}
