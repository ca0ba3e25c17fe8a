package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
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

	// Truncated lists the fields Normalize cut to their limits (FieldTitle,
	// FieldDetails…), sorted: the ticket keeps the mark, and the hook's
	// answer says so.
	Truncated []string

	// DeliveryID is the sender's own id of this delivery (SNS MessageId,
	// Datadog $ID), the same on each of its redeliveries, so that a retry
	// is not counted twice (see Ticket.Redelivered). Senders without one
	// (PagerDuty and Opsgenie clients) leave it empty: an identical request
	// from them is a monitor firing again, and counts.
	DeliveryID string
}

// Normalize validates s and fills defaults: the action, a dedup key derived
// from the title when the sender gave none, and text cleaned (SingleLine,
// MultiLine) and held to its limit (see limits.go): alert text is cut and
// the field listed in Truncated, what identifies or routes is refused. It
// returns an Invalid error naming the field that is wrong and its limit.
// Normalizing twice changes nothing more.
func (s *Signal) Normalize() error {
	if s.Action != Annotate && s.Action != Update {
		a, err := ParseAction(string(s.Action))
		if err != nil {
			return err
		}
		s.Action = a // "" → trigger, and synonyms (firing, ack, ok) to the action they name
	}
	s.Title = s.cut(FieldTitle, oneLine(s.Title), MaxTitle)
	s.Description = s.cut(FieldDescription, lines(s.Description), MaxDescription)
	s.Source = s.cut(FieldSource, oneLine(s.Source), MaxSource)
	s.Note = s.cut(FieldNote, lines(s.Note), MaxNote)
	s.DedupKey = oneLine(s.DedupKey)
	s.Category = oneLine(s.Category)
	s.Requester = Person{Name: oneLine(s.Requester.Name), Email: oneLine(s.Requester.Email)}
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
		return sizeError("dedup_key", len(s.DedupKey), MaxDedupKey)
	}
	if err := s.normalizeLabels(); err != nil {
		return err
	}
	var cut bool
	if s.Details, cut = boundDetails(s.Details); cut {
		s.mark(FieldDetails)
	}
	if err := s.normalizeLinks(); err != nil {
		return err
	}
	switch {
	case len(s.Category) > MaxCategory:
		return sizeError("category", len(s.Category), MaxCategory)
	case len(s.Requester.Name) > MaxRequester:
		return sizeError("the requester's name", len(s.Requester.Name), MaxRequester)
	case len(s.Requester.Email) > MaxEmail:
		return sizeError("the requester's e-mail", len(s.Requester.Email), MaxEmail)
	}
	if s.Priority != 0 && !s.Priority.Valid() {
		return Errorf(Invalid, "priority %d: want P1 to P5", s.Priority)
	}
	return nil
}

// normalizeLabels cleans label names and values as single-line text and
// refuses a label set over its limits: labels route, so a cut one could
// send the ticket elsewhere.
func (s *Signal) normalizeLabels() error {
	if len(s.Labels) > MaxLabels {
		return Errorf(Invalid, "%d labels; the limit is %d", len(s.Labels), MaxLabels)
	}
	total, bad, over, clean := labelBytes(s.Labels)
	if !clean {
		out := make(map[string]string, len(s.Labels))
		for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
			name := oneLine(k)
			if _, dup := out[name]; dup {
				return Errorf(Invalid, "labels %.40q and another are the same name once control characters are removed; keep one", name)
			}
			out[name] = SingleLine(s.Labels[k])
		}
		s.Labels = out
		total, bad, over, _ = labelBytes(out)
	}
	if over {
		return Errorf(Invalid, "label %.40q: names must be 1 to %d bytes, values at most %d", bad, MaxLabelValue, MaxLabelValue)
	}
	if total > MaxLabelBytes {
		return Errorf(Invalid, "labels take %d bytes, names and values together; the limit is %d", total, MaxLabelBytes)
	}
	return nil
}

// labelBytes returns the bytes of labels' names and values, the name of a
// label over its limits if over, and whether every name and value is clean
// single-line text already.
func labelBytes(labels map[string]string) (total int, bad string, over, clean bool) {
	clean = true
	for k, v := range labels {
		clean = clean && isClean(k, false) && isClean(v, false) && strings.TrimSpace(k) == k
		if k == "" || len(k) > MaxLabelValue || len(v) > MaxLabelValue {
			bad, over = k, true
		}
		total += len(k) + len(v)
	}
	return total, bad, over, clean
}

// normalizeLinks refuses a link that is not a web address, and keeps at
// most MaxLinks links of at most MaxLinkURL bytes, leaving out the rest
// (a cut URL leads nowhere) and cutting long texts, marked as truncated.
func (s *Signal) normalizeLinks() error {
	out, cut := s.Links[:0:0], false
	for _, l := range s.Links {
		href, text := oneLine(l.Href), oneLine(l.Text)
		if h := strings.ToLower(href); !strings.HasPrefix(h, "https://") && !strings.HasPrefix(h, "http://") {
			return Errorf(Invalid, "link %.80q: want an http or https URL", l.Href)
		}
		if len(href) > MaxLinkURL || len(out) == MaxLinks {
			cut = true
			continue
		}
		if len(text) > MaxLinkText {
			text, cut = truncateBytes(text, MaxLinkText), true
		}
		out = append(out, Link{Href: href, Text: text})
	}
	if len(out) > 0 || len(s.Links) > 0 {
		s.Links = out
	}
	if cut {
		s.mark(FieldLinks)
	}
	return nil
}

// cut holds text to max bytes, marking field as truncated when it cuts.
func (s *Signal) cut(field, text string, max int) string {
	if len(text) <= max {
		return text
	}
	s.mark(field)
	return truncateBytes(text, max)
}

// mark lists field in Truncated, once.
func (s *Signal) mark(field string) { s.Truncated = marked(s.Truncated, field, true) }

// marked returns fields with field in it (on) or not, sorted.
func marked(fields []string, field string, on bool) []string {
	i, found := slices.BinarySearch(fields, field)
	switch {
	case on && !found:
		return slices.Insert(slices.Clone(fields), i, field)
	case !on && found:
		return slices.Delete(slices.Clone(fields), i, i+1)
	}
	return fields
}

// oneLine is text for a single-line field, cleaned and trimmed.
func oneLine(s string) string { return strings.TrimSpace(SingleLine(s)) }

// lines is text for a multi-line field, cleaned and trimmed.
func lines(s string) string { return strings.TrimSpace(MultiLine(s)) }

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
