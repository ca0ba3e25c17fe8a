package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Kind says what a ticket is for: an incident (something is broken now:
// every alert and request) or a problem (the unknown cause behind
// incidents that keep coming back, ITIL's problem record).
type Kind string

// The ticket kinds. A ticket's Kind is empty for an incident (so every
// ticket stored before kinds existed is one); OfKind reads it.
const (
	KindIncident Kind = "incident"
	KindProblem  Kind = "problem"
)

// OfKind is t's kind, KindIncident when Kind is empty.
func (t *Ticket) OfKind() Kind {
	if t.Kind == "" {
		return KindIncident
	}
	return t.Kind
}

// ParseKind reads a kind as the API and CLI spell it.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case KindIncident, KindProblem:
		return k, nil
	}
	return "", Errorf(Invalid, "unknown kind %q: want incident or problem", s)
}

// EventLinked records a link between an incident and its problem: on the
// problem, one per incident it gathers; on the incident, the problem.
const EventLinked EventKind = "linked"

// MaxIncidents is how many incidents a problem lists. A key that keeps
// recurring after that still gets each new incident linked (the incident
// names its problem), but the problem stays bounded like every ticket.
const MaxIncidents = 100

// Incident is an incident as its problem lists it: what the tier that
// works the problem needs to find it.
type Incident struct {
	ID    string
	Title string
	At    time.Time // when it was created
}

// RecurrenceKey names what recurs: the incidents that count toward one
// problem. Integration is the integration or form; Key is the dedup key
// of an alert, or the category and normalised subject of a form request
// (whose dedup keys are one per submission).
type RecurrenceKey struct {
	Integration string
	Key         string
}

// AlertKey is the recurrence key of an integration's dedup key.
func AlertKey(integration, dedupKey string) RecurrenceKey {
	return RecurrenceKey{Integration: integration, Key: "alert\n" + dedupKey}
}

// FormKey is the recurrence key of a form's requests of one category
// whose subjects read the same once normalised.
func FormKey(form, category, subject string) RecurrenceKey {
	return RecurrenceKey{Integration: form, Key: "form\n" + category + "\n" + NormalSubject(subject)}
}

// NormalSubject is a subject as recurrences compare it: lower case, runs
// of blanks as one space, without the punctuation people end a line with,
// so that "VPN down!" and "vpn  down" are the same request.
func NormalSubject(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// RecurrenceOf returns the key t recurs under, and false for a problem,
// which recurs under none.
func RecurrenceOf(t *Ticket) (RecurrenceKey, bool) {
	switch {
	case t.Kind == KindProblem:
		return RecurrenceKey{}, false
	case t.Source == "form:"+t.Integration:
		return FormKey(t.Integration, t.Category, t.Title), true
	}
	return AlertKey(t.Integration, t.DedupKey), true
}

// Alert returns the dedup key of an alert's recurrence key.
func (k RecurrenceKey) Alert() (dedupKey string, ok bool) {
	return strings.CutPrefix(k.Key, "alert\n")
}

// Request returns the category and normalised subject of a form's
// recurrence key.
func (k RecurrenceKey) Request() (category, subject string, ok bool) {
	rest, ok := strings.CutPrefix(k.Key, "form\n")
	if !ok {
		return "", "", false
	}
	return strings.Cut(rest, "\n")
}

// String spells k as one string that no other key spells: the
// integration's length comes first.
func (k RecurrenceKey) String() string {
	return strconv.Itoa(len(k.Integration)) + ":" + k.Integration + "#" + k.Key
}

// ProblemDedupKey is the dedup key of k's problem tickets, so that the
// store's rule "one open ticket per key" is "one open problem per
// recurrence key" and concurrent Nth incidents cannot open two. It holds
// a newline, which a sender's dedup key never does (they are one line),
// so no alert can land on a problem.
func ProblemDedupKey(k RecurrenceKey) string {
	sum := sha256.Sum256([]byte(k.Key))
	return "problem\n" + hex.EncodeToString(sum[:16])
}

// NewProblem opens the problem record of key for incidents (oldest
// first), which recurred after times within the window: a ticket of kind
// problem at the placement's tier that lists the incidents, each linked on
// its timeline. previous is the key's last problem, resolved, if any.
func NewProblem(id string, key RecurrenceKey, incidents []Incident, within time.Duration, p Placement, previous *Ticket, now time.Time) (*Ticket, error) {
	if len(incidents) == 0 {
		return nil, Errorf(Internal, "a problem needs incidents")
	}
	latest := incidents[len(incidents)-1]
	s := Signal{Action: Trigger, Title: truncateBytes("Recurring: "+latest.Title, MaxTitle),
		Description: fmt.Sprintf("%d incidents of %s within %s. Find the root cause; resolving this problem records it and leaves the incidents as they are.",
			len(incidents), keyText(key), days(within)),
		Source: "tierline", DedupKey: ProblemDedupKey(key), Priority: p.Priority}
	t, err := New(id, key.Integration, s, p, previous, now)
	if err != nil {
		return nil, err
	}
	t.Kind = KindProblem
	t.Timeline[0].Actor = "tierline"
	t.Timeline[0].Reason = fmt.Sprintf("recurred %d times within %s", len(incidents), days(within))
	if previous != nil {
		t.Timeline[0].Reason += "; follows resolved " + previous.ID
	}
	t.LinkIncidents(incidents, now)
	return t, nil
}

// LinkIncidents adds the incidents t does not list yet, each with a
// linked event, up to MaxIncidents, and reports whether it added any.
func (t *Ticket) LinkIncidents(incidents []Incident, now time.Time) bool {
	added := false
	for _, in := range incidents {
		if len(t.Incidents) >= MaxIncidents || slices.ContainsFunc(t.Incidents, func(o Incident) bool { return o.ID == in.ID }) {
			continue
		}
		t.Incidents = append(t.Incidents, in)
		t.add(Event{At: now, Kind: EventLinked, Actor: "tierline", Reason: "incident " + in.ID + ": " + oneLine(in.Title)})
		added = true
	}
	return added
}

// LinkProblem records that t is one of problem's incidents, and reports
// false when it was already.
func (t *Ticket) LinkProblem(problem string, now time.Time) bool {
	if t.Problem == problem {
		return false
	}
	t.Problem = problem
	t.add(Event{At: now, Kind: EventLinked, Actor: "tierline", Reason: "part of problem " + problem})
	return true
}

// keyText says what recurred, for people.
func keyText(k RecurrenceKey) string {
	parts := strings.Split(k.Key, "\n")
	if parts[0] == "form" && len(parts) == 3 {
		return fmt.Sprintf("form %s, category %s, subject %q", k.Integration, parts[1], parts[2])
	}
	return fmt.Sprintf("%s, dedup key %q", k.Integration, strings.Join(parts[1:], "\n"))
}

// days writes a window the way the config does: 7d rather than 168h0m0s.
func days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}
