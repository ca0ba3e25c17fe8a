package sqlite

import (
	"encoding/json"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// ticketDoc is how a ticket is kept in the doc column: the adapter's own
// encoding, so that the domain types carry no storage tags and a renamed Go
// field cannot silently change what is on disk.
type ticketDoc struct {
	ID             string            `json:"id"`
	Version        int               `json:"version"`
	Integration    string            `json:"integration"`
	Source         string            `json:"source,omitempty"`
	DedupKey       string            `json:"dedup_key"`
	Title          string            `json:"title"`
	Description    string            `json:"description,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Details        map[string]any    `json:"details,omitempty"`
	Links          []linkDoc         `json:"links,omitempty"`
	RequesterName  string            `json:"requester_name,omitempty"`
	RequesterEmail string            `json:"requester_email,omitempty"`
	Category       string            `json:"category,omitempty"`
	Previous       string            `json:"previous,omitempty"`
	Kind           ticket.Kind       `json:"kind,omitempty"`
	Problem        string            `json:"problem,omitempty"`
	Incidents      []incidentDoc     `json:"incidents,omitempty"`
	Truncated      []string          `json:"truncated,omitempty"`
	Priority       ticket.Priority   `json:"priority"`
	Tier           ticket.Tier       `json:"tier"`
	Policy         string            `json:"policy"`
	Status         ticket.Status     `json:"status"`
	Assignee       string            `json:"assignee,omitempty"`
	Occurrences    int               `json:"occurrences"`
	FirstSeen      time.Time         `json:"first_seen"`
	LastSeen       time.Time         `json:"last_seen"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	AcknowledgedAt time.Time         `json:"acknowledged_at,omitzero"`
	ResolvedAt     time.Time         `json:"resolved_at,omitzero"`
	Resolution     string            `json:"resolution,omitempty"`
	AcknowledgeBy  time.Time         `json:"acknowledge_by"`
	ResolveBy      time.Time         `json:"resolve_by"`
	Escalations    int               `json:"escalations,omitempty"`
	Repeats        int               `json:"repeats,omitempty"`
	Notices        int               `json:"notices"`
	Clock          int               `json:"clock"`
	Deliveries     []deliveryDoc     `json:"deliveries,omitempty"`
}

type deliveryDoc struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

type incidentDoc struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	At    time.Time `json:"at"`
}

type linkDoc struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

type eventDoc struct {
	At       time.Time        `json:"at"`
	Kind     ticket.EventKind `json:"kind"`
	Actor    string           `json:"actor,omitempty"`
	OnBehalf string           `json:"on_behalf_of,omitempty"`
	Note     string           `json:"note,omitempty"`
	From     ticket.Tier      `json:"from,omitempty"`
	To       ticket.Tier      `json:"to,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	Notice   int              `json:"notice,omitempty"`
	Channel  string           `json:"channel,omitempty"`
	Assignee string           `json:"assignee,omitempty"`
	Count    int              `json:"count,omitempty"`
}

func encodeTicket(t *ticket.Ticket) ([]byte, error) {
	d := ticketDoc{
		ID: t.ID, Version: t.Version, Integration: t.Integration, Source: t.Source, DedupKey: t.DedupKey,
		Title: t.Title, Description: t.Description, Labels: t.Labels, Details: t.Details,
		RequesterName: t.Requester.Name, RequesterEmail: t.Requester.Email, Category: t.Category,
		Previous: t.Previous, Kind: t.Kind, Problem: t.Problem, Truncated: t.Truncated, Priority: t.Priority, Tier: t.Tier, Policy: t.Policy, Status: t.Status,
		Assignee: t.Assignee, Occurrences: t.Occurrences, FirstSeen: t.FirstSeen, LastSeen: t.LastSeen,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, AcknowledgedAt: t.AcknowledgedAt,
		ResolvedAt: t.ResolvedAt, Resolution: t.Resolution, AcknowledgeBy: t.AcknowledgeBy,
		ResolveBy: t.ResolveBy, Escalations: t.Escalations, Repeats: t.Repeats, Notices: t.Notices,
		Clock: t.Clock,
	}
	for _, l := range t.Links {
		d.Links = append(d.Links, linkDoc{Href: l.Href, Text: l.Text})
	}
	for _, v := range t.Deliveries {
		d.Deliveries = append(d.Deliveries, deliveryDoc{ID: v.ID, At: v.At})
	}
	for _, in := range t.Incidents {
		d.Incidents = append(d.Incidents, incidentDoc{ID: in.ID, Title: in.Title, At: in.At})
	}
	return json.Marshal(d)
}

func decodeTicket(b []byte) (*ticket.Ticket, error) {
	var d ticketDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	t := &ticket.Ticket{
		ID: d.ID, Version: d.Version, Integration: d.Integration, Source: d.Source, DedupKey: d.DedupKey,
		Title: d.Title, Description: d.Description, Labels: d.Labels, Details: d.Details,
		Requester: ticket.Person{Name: d.RequesterName, Email: d.RequesterEmail}, Category: d.Category,
		Previous: d.Previous, Kind: d.Kind, Problem: d.Problem, Truncated: d.Truncated, Priority: d.Priority, Tier: d.Tier, Policy: d.Policy, Status: d.Status,
		Assignee: d.Assignee, Occurrences: d.Occurrences, FirstSeen: d.FirstSeen, LastSeen: d.LastSeen,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, AcknowledgedAt: d.AcknowledgedAt,
		ResolvedAt: d.ResolvedAt, Resolution: d.Resolution, AcknowledgeBy: d.AcknowledgeBy,
		ResolveBy: d.ResolveBy, Escalations: d.Escalations, Repeats: d.Repeats, Notices: d.Notices,
		Clock: d.Clock,
	}
	for _, l := range d.Links {
		t.Links = append(t.Links, ticket.Link{Href: l.Href, Text: l.Text})
	}
	for _, v := range d.Deliveries {
		t.Deliveries = append(t.Deliveries, ticket.Delivery{ID: v.ID, At: v.At})
	}
	for _, in := range d.Incidents {
		t.Incidents = append(t.Incidents, ticket.Incident{ID: in.ID, Title: in.Title, At: in.At})
	}
	return t, nil
}

func encodeEvent(e ticket.Event) ([]byte, error) {
	return json.Marshal(eventDoc{At: e.At, Kind: e.Kind, Actor: e.Actor, OnBehalf: e.OnBehalf, Note: e.Note, From: e.From,
		To: e.To, Reason: e.Reason, Notice: e.Notice, Channel: e.Channel, Assignee: e.Assignee, Count: e.Count})
}

func decodeEvent(b []byte) (ticket.Event, error) {
	var d eventDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return ticket.Event{}, err
	}
	return ticket.Event{At: d.At, Kind: d.Kind, Actor: d.Actor, OnBehalf: d.OnBehalf, Note: d.Note, From: d.From, To: d.To,
		Reason: d.Reason, Notice: d.Notice, Channel: d.Channel, Assignee: d.Assignee, Count: d.Count}, nil
}
