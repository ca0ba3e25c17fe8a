package ticket

import "time"

// HandOff is what the on-call engineers of a tier receive: the ticket, why it
// reached them, and everything tried before, so that no tier starts from zero.
type HandOff struct {
	Ticket *Ticket
	Seq    int       // the notice number
	Tier   Tier      // the tier being handed the ticket
	From   Tier      // the tier it came from; zero for a new ticket
	Kind   EventKind // created, escalated, repeated or reopened
	Reason string
	Note   string // the hand-off note of a manual escalation or reopen
	Actor  string
	// OnBehalf is whom Actor said it acted for (see Event.OnBehalf).
	OnBehalf string
	At       time.Time
	Tried    []Event // notes, escalations and acknowledgements before this hand-off, oldest first
	// MovedOn is set when the ticket went on to another tier after this
	// hand-off was made: the page is late, and says who has the ticket now.
	MovedOn *MovedOn
}

// MovedOn tells a tier that was paged late where its ticket went in the
// meantime. A tier is paged even then, so that it is never skipped because
// the page was slow: it learns of the ticket and that it need not act.
type MovedOn struct {
	To     Tier      // the tier that has the ticket now
	Notice int       // the ticket's latest hand-off, the one To received
	Reason string    // why the ticket left the late hand-off's tier: "not acknowledged within 4s at L1"
	At     time.Time // when it left
}

// By names who handed the ticket on, as Event.By does.
func (h HandOff) By() string { return Event{Actor: h.Actor, OnBehalf: h.OnBehalf}.By() }

// HandOff returns hand-off number seq of t, built from its timeline, and
// false when t has no such hand-off.
func (t *Ticket) HandOff(seq int) (HandOff, bool) {
	for i, e := range t.Timeline {
		if e.Notice != seq || !startsHandOff(e.Kind) {
			continue
		}
		h := HandOff{Ticket: t, Seq: seq, Tier: e.To, From: e.From, Kind: e.Kind,
			Reason: e.Reason, Note: e.Note, Actor: e.Actor, OnBehalf: e.OnBehalf, At: e.At}
		for _, p := range t.Timeline[:i] {
			switch p.Kind {
			case EventNoted, EventEscalated, EventAcknowledged, EventAssigned, EventResolved, EventReopened:
				h.Tried = append(h.Tried, p)
			}
		}
		h.MovedOn = t.movedOn(h, t.Timeline[i+1:])
		return h, true
	}
	return HandOff{}, false
}

// movedOn says where the ticket went after hand-off h, whose later
// events are after: nowhere, while h's tier still has it.
func (t *Ticket) movedOn(h HandOff, after []Event) *MovedOn {
	if t.Tier == h.Tier || h.Seq >= t.Notices {
		return nil
	}
	m := &MovedOn{To: t.Tier, Notice: t.Notices}
	for _, e := range after {
		if e.Kind == EventEscalated && e.From == h.Tier {
			m.Reason, m.At = e.Reason, e.At
			break
		}
	}
	return m
}

// Superseded reports whether a later hand-off than seq went to the same
// tier: that tier hears of the ticket from the later one, so seq, not yet
// delivered, need not be.
func (t *Ticket) Superseded(seq int) bool {
	h, ok := t.HandOff(seq)
	if !ok {
		return false
	}
	for _, e := range t.Timeline {
		if e.Notice > seq && startsHandOff(e.Kind) && e.To == h.Tier {
			return true
		}
	}
	return false
}

// Withheld reports whether hand-off seq was recorded as not needed.
func (t *Ticket) Withheld(seq int) bool {
	for _, e := range t.Timeline {
		if e.Kind == EventWithheld && e.Notice == seq {
			return true
		}
	}
	return false
}

// Withhold records that hand-off seq, not yet delivered to every channel,
// is no longer needed because the ticket was resolved first, so that the
// timeline says why a tier was not paged. It records once per hand-off and
// reports whether it recorded.
func (t *Ticket) Withhold(seq int, now time.Time) bool {
	h, ok := t.HandOff(seq)
	if !ok || t.Status != StatusResolved || t.Withheld(seq) {
		return false
	}
	t.add(Event{At: now, Kind: EventWithheld, Actor: Tierline, Notice: seq, To: h.Tier,
		Reason: "not sent: the ticket was resolved before this hand-off was delivered"})
	return true
}

// startsHandOff reports whether events of kind start a hand-off.
func startsHandOff(kind EventKind) bool {
	switch kind {
	case EventCreated, EventEscalated, EventRepeated, EventReopened:
		return true
	}
	return false
}
