package ticket

import "time"

// EventKind names what happened on a ticket's timeline.
type EventKind string

// The timeline's event kinds.
const (
	EventCreated      EventKind = "created"      // the ticket was opened; Notice 1 is its first hand-off
	EventOccurred     EventKind = "occurred"     // the alert repeated; Count says how often so far
	EventAcknowledged EventKind = "acknowledged" // someone took it
	EventNoted        EventKind = "noted"        // a note: what was seen or tried
	EventAssigned     EventKind = "assigned"     // Assignee now owns it
	EventEscalated    EventKind = "escalated"    // moved From → To, for Reason, with a hand-off Note
	EventRepeated     EventKind = "repeated"     // the top tier was paged again after a missed deadline
	EventExhausted    EventKind = "exhausted"    // the top tier's deadline passed and no repeats are left
	EventNotified     EventKind = "notified"     // hand-off Notice was delivered to Channel of tier To
	EventResent       EventKind = "resent"       // the sweep sent hand-off Notice again: no delivery was recorded in time
	EventWithheld     EventKind = "withheld"     // hand-off Notice was not sent (to all of To's channels): the ticket was resolved first
	EventResolved     EventKind = "resolved"     // closed, with the resolution in Note
	EventReopened     EventKind = "reopened"     // a resolved ticket came back
)

// Event is one entry of a ticket's append-only timeline. Fields a kind does
// not use stay zero.
type Event struct {
	At       time.Time
	Kind     EventKind
	Actor    string // who did it, as tierline knows it: an api key's name, an integration, or "tierline"
	OnBehalf string // whom Actor says it acted for (the API's "actor", the CLI's --as): shown beside Actor, never instead
	Note     string // free text: a note, a hand-off note, a resolution
	From, To Tier   // escalated, repeated, reopened, created (To)
	Reason   string // why tierline did it: "not acknowledged within 15m at L1"
	Notice   int    // the hand-off this event started (created, escalated, repeated, reopened) or delivered (notified)
	Channel  string // notified: the channel's name
	Assignee string // assigned
	Count    int    // occurred: occurrences so far
}

// OccurrenceMilestone reports whether the n-th occurrence of an alert gets
// an "occurred" event on the timeline: the 2nd, 10th, 100th, 1000th…
// Stores that count repeats without reading the ticket (the storm path)
// need to know which counts they must not reach on their own.
func OccurrenceMilestone(n int) bool { return occurrenceMilestone(n) }

// By names who did it for people: "ops (as alice)" when an api key acted
// for someone, else the actor alone.
func (e Event) By() string {
	if e.OnBehalf == "" || e.OnBehalf == e.Actor {
		return e.Actor
	}
	return e.Actor + " (as " + e.OnBehalf + ")"
}

// occurrenceMilestone reports whether the n-th occurrence gets a timeline
// event. Repeats are counted on the ticket; the timeline only marks 2, 10,
// 100, 1000… so that a storm of repeats cannot grow it without bound.
func occurrenceMilestone(n int) bool {
	if n == 2 {
		return true
	}
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}
