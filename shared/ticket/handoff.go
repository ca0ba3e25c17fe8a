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
}

// By names who handed the ticket on, as Event.By does.
func (h HandOff) By() string { return Event{Actor: h.Actor, OnBehalf: h.OnBehalf}.By() }

// HandOff returns hand-off number seq of t, built from its timeline, and
// false when t has no such hand-off.
func (t *Ticket) HandOff(seq int) (HandOff, bool) {
	for i, e := range t.Timeline {
		if e.Notice != seq || e.Kind == EventNotified {
			continue
		}
		switch e.Kind {
		case EventCreated, EventEscalated, EventRepeated, EventReopened:
		default:
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
		return h, true
	}
	return HandOff{}, false
}
