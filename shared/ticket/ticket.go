package ticket

import (
	"slices"
	"time"
)

// Ticket is one problem or request as it moves through the tiers. Stores own
// how it is kept; this package owns what may happen to it.
type Ticket struct {
	ID          string
	Kind        Kind   // KindProblem for a problem record; empty (KindIncident) for every alert and request
	Integration string // the integration (or form) it came through
	Source      string
	DedupKey    string
	Title       string
	Description string
	Labels      map[string]string
	Details     map[string]any
	Links       []Link
	Requester   Person
	Category    string
	Previous    string     // the resolved ticket of the same dedup key that this one follows
	Problem     string     // an incident's problem record, once its key recurred
	Incidents   []Incident // a problem's incidents, oldest first, at most MaxIncidents
	Truncated   []string   // the fields whose text was cut to its limit (FieldTitle…), sorted; see limits.go

	Priority Priority
	Tier     Tier
	Policy   string // the escalation policy that sets its deadlines
	Status   Status
	Assignee string

	Occurrences int
	FirstSeen   time.Time
	LastSeen    time.Time

	CreatedAt      time.Time
	UpdatedAt      time.Time
	AcknowledgedAt time.Time // the latest acknowledgement; zero while open
	ResolvedAt     time.Time
	Resolution     string

	// Deadlines of the current tier: acknowledge by one while open, resolve by
	// the other once acknowledged. Missing one escalates the ticket.
	AcknowledgeBy time.Time
	ResolveBy     time.Time

	Escalations int // tier changes, automatic and manual
	Repeats     int // re-pages at the top tier since it got there
	Notices     int // hand-offs so far; notice n is delivered to its tier once
	Clock       int // generation of the escalation clock; a timer set for an older one stops itself

	Deliveries []Delivery // the last inbound deliveries applied, to drop redeliveries

	Version  int // bumped by the store on every write
	Timeline []Event
}

// Placement is where a route puts a new ticket: its tier, priority and
// policy, and the deadlines that policy gives the tier.
type Placement struct {
	Tier     Tier
	Priority Priority
	Policy   string
	Deadlines
}

// Deadlines are a tier's time limits under a policy.
type Deadlines struct {
	Acknowledge time.Duration
	Resolve     time.Duration
}

// New opens a ticket for a normalised trigger signal. previous is the
// resolved ticket of the same dedup key, if any, so that the new one links it.
func New(id, integration string, s Signal, p Placement, previous *Ticket, now time.Time) (*Ticket, error) {
	if s.Action != Trigger {
		return nil, Errorf(Invalid, "a %s signal cannot open a ticket", s.Action)
	}
	if !p.Tier.Valid() {
		return nil, Errorf(Invalid, "tier %v: want L1, L2 or L3", p.Tier)
	}
	prio := s.Priority
	if p.Priority.Valid() {
		prio = p.Priority
	}
	if !prio.Valid() {
		prio = PriorityForSeverity(s.Severity)
	}
	seen := s.At
	if seen.IsZero() || seen.After(now) {
		seen = now
	}
	t := &Ticket{
		ID: id, Integration: integration, Source: s.Source, DedupKey: s.DedupKey,
		Title: s.Title, Description: s.Description, Labels: s.Labels, Details: s.Details,
		Links: s.Links, Requester: s.Requester, Category: s.Category, Truncated: ticketMarks(s.Truncated),
		Priority: prio, Tier: p.Tier, Policy: p.Policy, Status: StatusOpen,
		Occurrences: 1, FirstSeen: seen, LastSeen: now,
		CreatedAt: now, UpdatedAt: now,
		Notices: 1, Clock: 1,
	}
	if previous != nil {
		t.Previous = previous.ID
	}
	t.setDeadlines(p.Deadlines, now)
	reason := "new ticket"
	if previous != nil {
		reason = "new ticket; follows resolved " + previous.ID
	}
	t.add(Event{At: now, Kind: EventCreated, Actor: integration, To: p.Tier, Reason: reason, Notice: 1})
	return t, nil
}

// Occur counts a repeat of the alert behind an open ticket. The latest
// description and details replace the old ones, since they describe the
// problem as it is now, and so do their truncation marks.
func (t *Ticket) Occur(s Signal, now time.Time) error {
	if t.Status == StatusResolved {
		return Errorf(Conflict, "ticket %s is resolved; a repeat opens a new ticket", t.ID)
	}
	t.Occurrences++
	t.LastSeen = now
	if s.Description != "" {
		t.Description = s.Description
		t.Truncated = marked(t.Truncated, FieldDescription, slices.Contains(s.Truncated, FieldDescription))
	}
	if len(s.Details) > 0 {
		t.Details = s.Details
		t.Truncated = marked(t.Truncated, FieldDetails, slices.Contains(s.Truncated, FieldDetails))
	}
	t.UpdatedAt = now
	if occurrenceMilestone(t.Occurrences) {
		t.add(Event{At: now, Kind: EventOccurred, Actor: t.Integration, Count: t.Occurrences})
	}
	return nil
}

// NextDeadline is the deadline the escalation clock is waiting for: the
// acknowledge deadline while open, the resolve deadline once acknowledged,
// zero once resolved.
func (t *Ticket) NextDeadline() time.Time {
	switch t.Status {
	case StatusOpen:
		return t.AcknowledgeBy
	case StatusAcknowledged:
		return t.ResolveBy
	}
	return time.Time{}
}

// Delivered reports whether hand-off notice has reached channel.
func (t *Ticket) Delivered(notice int, channel string) bool {
	for _, e := range t.Timeline {
		if e.Kind == EventNotified && e.Notice == notice && e.Channel == channel {
			return true
		}
	}
	return false
}

func (t *Ticket) setDeadlines(d Deadlines, now time.Time) {
	t.AcknowledgeBy = now.Add(d.Acknowledge)
	t.ResolveBy = now.Add(d.Resolve)
}

// add appends e, its text cleaned like every text a ticket keeps.
func (t *Ticket) add(e Event) {
	e.Note = lines(e.Note)
	e.Actor, e.OnBehalf, e.Assignee = oneLine(e.Actor), oneLine(e.OnBehalf), oneLine(e.Assignee)
	t.Timeline = append(t.Timeline, e)
	t.UpdatedAt = e.At
}

// ticketMarks are the marks of a signal that a ticket keeps: all but the
// note's, which the timeline's event shows by its "…".
func ticketMarks(fields []string) []string {
	out := marked(fields, FieldNote, false)
	if len(out) == 0 {
		return nil
	}
	return out
}
