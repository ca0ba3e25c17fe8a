package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is what a signal asks for.
type Action string

// The actions a sender can take on the ticket of a dedup key.
const (
	Trigger     Action = "trigger"     // open a ticket, or count an occurrence on the open one
	Acknowledge Action = "acknowledge" // acknowledge the open ticket
	Resolve     Action = "resolve"     // resolve the open ticket

	// Actions only decoders set (ParseAction does not read them from a
	// sender's words): the PagerDuty and Opsgenie drop-ins need them.
	Annotate Action = "note"   // add the signal's Note to the ticket of the key, open or latest resolved
	Update   Action = "update" // replace the open ticket's title and/or description
)

// ParseAction reads an action; empty means Trigger. Common synonyms of
// senders (firing, ack, close, ok, recovered) are accepted.
func ParseAction(s string) (Action, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "trigger", "firing", "alert", "alerting", "problem", "open", "create":
		return Trigger, nil
	case "acknowledge", "ack", "acknowledged":
		return Acknowledge, nil
	case "resolve", "resolved", "close", "closed", "ok", "recovered":
		return Resolve, nil
	}
	return "", Errorf(Invalid, "unknown action %q: want trigger, acknowledge or resolve", s)
}

// Link is a labelled URL: a dashboard, a runbook, the alert's source.
type Link struct {
	Href string
	Text string
}

// Person is someone who filed a request through a form.
type Person struct {
	Name  string
	Email string
}

// Signal is one normalised inbound alert or request, whatever sent it. Every
// decoder produces Signals; the desk turns them into tickets.
type Signal struct {
	Action      Action
	DedupKey    string // identifies "the same problem" within an integration
	Title       string
	Description string
	Severity    string // the sender's word; mapped with PriorityForSeverity unless a route decides
	Priority    Priority
	Source      string // the system that raised it: a host, a service, a monitor
	Category    string // forms: the category the requester chose
	Labels      map[string]string
	Details     map[string]any
	Links       []Link
	Requester   Person
	At          time.Time // when the sender says it happened; zero means "when received"
	Note        string    // the sender's note: on the timeline of the ticket a trigger opens, acknowledges or notes; a resolve's resolution

	// DeliveryID is the sender's own id of this delivery (SNS MessageId,
	// Datadog $ID), the same on each of its redeliveries, so that a retry
	// is not counted twice (see Ticket.Redelivered). Senders without one
	// (PagerDuty and Opsgenie clients) leave it empty: an identical request
	// from them is a monitor firing again, and counts.
	DeliveryID string
}

// Limits on what a signal or a person may put on a ticket. Alert text is
// truncated (an alert must never be lost for being verbose); keys, labels
// and notes over their limit are refused, since the sender can fix them.
const (
	MaxTitle       = 1024  // runes; longer titles are cut
	MaxDescription = 16384 // runes; longer descriptions are cut
	MaxDedupKey    = 512   // bytes
	MaxLabels      = 128
	MaxLabelValue  = 1024 // bytes, also for label names
	MaxLinks       = 32
	MaxNote        = 8192 // bytes
	MaxTimeline    = 1000 // events; a note beyond it is refused
)

// Normalize validates s and fills defaults: the action, a dedup key derived
// from the title when the sender gave none, trimmed and truncated text.
// It returns an Invalid error naming the field that is wrong.
func (s *Signal) Normalize() error {
	if s.Action != Annotate && s.Action != Update {
		a, err := ParseAction(string(s.Action))
		if err != nil {
			return err
		}
		s.Action = a // "" → trigger, and synonyms (firing, ack, ok) to the action they name
	}
	s.Title = truncate(strings.TrimSpace(s.Title), MaxTitle)
	s.Description = truncate(strings.TrimSpace(s.Description), MaxDescription)
	s.Note = truncateBytes(strings.TrimSpace(s.Note), MaxNote)
	s.DedupKey = strings.TrimSpace(s.DedupKey)
	switch {
	case s.Action == Trigger && s.Title == "":
		return Errorf(Invalid, "title is required (or summary): say what is wrong in one line")
	case s.Action == Annotate && s.Note == "":
		return Errorf(Invalid, "note is required")
	case s.Action == Update && s.Title == "" && s.Description == "":
		return Errorf(Invalid, "an update needs a new title or description")
	case (s.Action == Annotate || s.Action == Update) && s.DedupKey == "":
		return Errorf(Invalid, "dedup_key is required to %s: it names the ticket to act on", s.Action)
	}
	if len(s.DeliveryID) > MaxDedupKey {
		return Errorf(Invalid, "the delivery id is %d bytes long; the limit is %d", len(s.DeliveryID), MaxDedupKey)
	}
	if s.DedupKey == "" {
		if s.Title == "" {
			return Errorf(Invalid, "dedup_key is required to %s: it names the ticket to act on", s.Action)
		}
		s.DedupKey = AutoDedupKey(s.Title)
	}
	if len(s.DedupKey) > MaxDedupKey {
		return Errorf(Invalid, "dedup_key is %d bytes long; the limit is %d", len(s.DedupKey), MaxDedupKey)
	}
	if len(s.Labels) > MaxLabels {
		return Errorf(Invalid, "%d labels; the limit is %d", len(s.Labels), MaxLabels)
	}
	for k, v := range s.Labels {
		if k == "" || len(k) > MaxLabelValue || len(v) > MaxLabelValue {
			return Errorf(Invalid, "label %.40q: names must be 1 to %d bytes, values at most %d", k, MaxLabelValue, MaxLabelValue)
		}
	}
	if len(s.Links) > MaxLinks {
		return Errorf(Invalid, "%d links; the limit is %d", len(s.Links), MaxLinks)
	}
	for _, l := range s.Links {
		if h := strings.ToLower(l.Href); !strings.HasPrefix(h, "https://") && !strings.HasPrefix(h, "http://") {
			return Errorf(Invalid, "link %.80q: want an http or https URL", l.Href)
		}
	}
	if s.Priority != 0 && !s.Priority.Valid() {
		return Errorf(Invalid, "priority %d: want P1 to P5", s.Priority)
	}
	return nil
}

// AutoDedupKey is the dedup key of a signal that brought none: the same
// title is the same problem.
func AutoDedupKey(title string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(title)))
	return "auto:" + hex.EncodeToString(sum[:12])
}

// truncateBytes cuts s to at most max bytes, at a rune boundary, marking
// the cut: a sender's note is kept, not refused, for being long.
func truncateBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
