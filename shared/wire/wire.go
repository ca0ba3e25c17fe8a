// Package wire holds tierline's public JSON shapes: tickets and their
// timelines as the API returns them, the bodies of ticket actions, hook
// results, errors, and the hand-off that notification channels post. The
// API, the notifier and the CLI share them, so a field has one name
// everywhere; the domain types stay free of JSON tags.
package wire

import (
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Ticket is a ticket as the API returns it.
type Ticket struct {
	ID             string            `json:"id"`
	Kind           string            `json:"kind"` // incident or problem
	Integration    string            `json:"integration"`
	Source         string            `json:"source,omitempty"`
	DedupKey       string            `json:"dedup_key"`
	Title          string            `json:"title"`
	Description    string            `json:"description,omitempty"`
	Priority       string            `json:"priority"`
	Tier           string            `json:"tier"`
	Status         string            `json:"status"`
	Assignee       string            `json:"assignee"`
	Occurrences    int               `json:"occurrences"`
	Labels         map[string]string `json:"labels,omitempty"`
	Details        map[string]any    `json:"details,omitempty"`
	Links          []Link            `json:"links,omitempty"`
	Requester      *Person           `json:"requester,omitempty"`
	Category       string            `json:"category,omitempty"`
	Previous       string            `json:"previous,omitempty"`
	Problem        string            `json:"problem_id,omitempty"` // an incident's problem record
	Incidents      []Incident        `json:"incidents,omitempty"`  // a problem's incidents, oldest first
	Truncated      []string          `json:"truncated,omitempty"`  // fields whose text was cut to its limit
	Policy         string            `json:"policy"`
	FirstSeen      time.Time         `json:"first_seen"`
	LastSeen       time.Time         `json:"last_seen"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	AcknowledgedAt time.Time         `json:"acknowledged_at,omitzero"`
	ResolvedAt     time.Time         `json:"resolved_at,omitzero"`
	Resolution     string            `json:"resolution,omitempty"`
	AcknowledgeBy  time.Time         `json:"acknowledge_by,omitzero"`
	ResolveBy      time.Time         `json:"resolve_by,omitzero"`
	Escalations    int               `json:"escalations"`
	Repeats        int               `json:"repeats,omitempty"`
	Version        int               `json:"version"`
	Timeline       []Event           `json:"timeline,omitempty"`
}

// Link is a labelled URL.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// Incident is an incident as its problem lists it.
type Incident struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
}

// Person is who filed a request.
type Person struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Event is one timeline entry.
type Event struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Actor    string    `json:"actor,omitempty"`        // who tierline authenticated: an api key's name, an integration, tierline
	OnBehalf string    `json:"on_behalf_of,omitempty"` // whom the actor said it acted for
	Note     string    `json:"note,omitempty"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Notice   int       `json:"notice,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Assignee string    `json:"assignee,omitempty"`
	Count    int       `json:"count,omitempty"`
}

// List is one page of tickets.
type List struct {
	Tickets    []Ticket `json:"tickets"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// Action is the body of a ticket action (acknowledge, resolve, escalate,
// notes, assign, reopen). Each action reads the fields it needs.
type Action struct {
	Actor      string `json:"actor,omitempty"`      // whom the api key acts for: recorded as on_behalf_of beside the key's name
	Note       string `json:"note,omitempty"`       // escalate (required), notes (required), reopen, resolve, acknowledge, assign
	Resolution string `json:"resolution,omitempty"` // resolve; note is accepted too
	Assignee   string `json:"assignee,omitempty"`   // assign (required)
}

// HookResponse answers an accepted hook.
type HookResponse struct {
	Results []HookResult `json:"results"`
}

// HookResult is what one signal of a hook did.
type HookResult struct {
	TicketID  string   `json:"ticket_id,omitempty"`
	Outcome   string   `json:"outcome"`
	Truncated []string `json:"truncated,omitempty"` // the signal's fields cut to their limits: title, description…
}

// Error is the body of every error answer.
type Error struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody says what went wrong: a stable code and a message for people.
// A form submission refused for its fields also says what is wrong with
// each, by the field's name, so a page can show it beside the field.
type ErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// FromTicket converts a ticket, with its timeline if it has one loaded.
func FromTicket(t *ticket.Ticket) Ticket {
	w := Ticket{
		ID: t.ID, Kind: string(t.OfKind()), Problem: t.Problem, Integration: t.Integration, Source: t.Source, DedupKey: t.DedupKey, Title: t.Title,
		Description: t.Description, Priority: t.Priority.String(), Tier: t.Tier.String(), Status: string(t.Status),
		Assignee: t.Assignee, Occurrences: t.Occurrences, Labels: t.Labels, Details: t.Details,
		Category: t.Category, Previous: t.Previous, Truncated: t.Truncated, Policy: t.Policy, FirstSeen: t.FirstSeen, LastSeen: t.LastSeen,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, AcknowledgedAt: t.AcknowledgedAt, ResolvedAt: t.ResolvedAt,
		Resolution: t.Resolution, Escalations: t.Escalations, Repeats: t.Repeats, Version: t.Version,
	}
	if t.Status != ticket.StatusResolved {
		w.AcknowledgeBy, w.ResolveBy = t.AcknowledgeBy, t.ResolveBy
	}
	if t.Requester != (ticket.Person{}) {
		w.Requester = &Person{Name: t.Requester.Name, Email: t.Requester.Email}
	}
	for _, l := range t.Links {
		w.Links = append(w.Links, Link{Href: l.Href, Text: l.Text})
	}
	for _, in := range t.Incidents {
		w.Incidents = append(w.Incidents, Incident{ID: in.ID, Title: in.Title, CreatedAt: in.At})
	}
	w.Timeline = FromEvents(t.Timeline)
	return w
}

// FromEvents converts timeline events.
func FromEvents(events []ticket.Event) []Event {
	if len(events) == 0 {
		return nil
	}
	out := make([]Event, len(events))
	for i, e := range events {
		out[i] = Event{At: e.At, Kind: string(e.Kind), Actor: e.Actor, OnBehalf: e.OnBehalf, Note: e.Note, From: e.From.String(),
			To: e.To.String(), Reason: e.Reason, Notice: e.Notice, Channel: e.Channel, Assignee: e.Assignee, Count: e.Count}
	}
	return out
}
