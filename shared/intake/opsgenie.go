package intake

import (
	"fmt"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// opsgenieCreate is the body of Opsgenie's POST /v2/alerts.
type opsgenieCreate struct {
	Message     string         `json:"message"`
	Alias       string         `json:"alias"`
	Description string         `json:"description"`
	Responders  []opsgenieRef  `json:"responders"`
	Tags        []string       `json:"tags"`
	Details     map[string]any `json:"details"` // strings by the spec; senders send numbers too
	Entity      string         `json:"entity"`
	Source      string         `json:"source"`
	Priority    string         `json:"priority"`
	User        string         `json:"user"`
	Note        string         `json:"note"`
}

type opsgenieRef struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// opsgenieAction is the body of the actions on an alert (close,
// acknowledge, notes) and of the updates of its message and description.
type opsgenieAction struct {
	User        string `json:"user"`
	Source      string `json:"source"`
	Note        string `json:"note"`
	Message     string `json:"message"`
	Description string `json:"description"`
}

// Opsgenie limits that tierline keeps.
const opsgenieMaxAlias = 512

// Opsgenie decodes the body of Opsgenie's create alert, kind "opsgenie":
// the alias is the dedup key (Opsgenie's default alias is the message,
// and so is tierline's), priority P1–P5, tags of the form key:value become
// labels, the note goes on the timeline. The routes that act on an alert
// are OpsgenieAction's.
func Opsgenie(r *Request) ([]ticket.Signal, error) {
	var c opsgenieCreate
	if err := decodeJSON(r.Body, &c); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Message) == "" {
		return nil, ticket.Errorf(ticket.Invalid, "message is required: say what is wrong in one line")
	}
	if len(c.Alias) > opsgenieMaxAlias {
		return nil, ticket.Errorf(ticket.Invalid, "alias is longer than %d characters", opsgenieMaxAlias)
	}
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: first(c.Alias, c.Message), Title: c.Message,
		Description: c.Description, Source: c.Source, Note: c.Note, Labels: tagLabels(c.Tags), Details: c.Details}
	if c.Priority != "" {
		p, err := ticket.ParsePriority(c.Priority)
		if err != nil || !strings.HasPrefix(strings.ToUpper(c.Priority), "P") {
			return nil, ticket.Errorf(ticket.Invalid, "priority %.20q: want P1, P2, P3, P4 or P5", c.Priority)
		}
		s.Priority = p
	}
	if c.Entity != "" {
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		s.Labels["entity"] = c.Entity
	}
	extra := map[string]any{}
	if len(c.Tags) > 0 {
		extra["tags"] = c.Tags
	}
	if c.User != "" {
		extra["user"] = c.User
	}
	var responders []string
	for _, r := range c.Responders {
		responders = append(responders, fmt.Sprintf("%s:%s", r.Type, first(r.Name, r.Username, r.ID)))
	}
	if len(responders) > 0 {
		extra["responders"] = responders
	}
	if len(extra) > 0 {
		if s.Details == nil {
			s.Details = map[string]any{}
		}
		for k, v := range extra {
			if _, taken := s.Details[k]; !taken {
				s.Details[k] = v
			}
		}
	}
	return []ticket.Signal{s}, nil
}

// OpsgenieAction decodes the body of an action on an alert: "close",
// "acknowledge", "notes", or the updates "message" and "description". The
// caller names the alert (the signal's DedupKey) from the path. An empty
// body is an action without a note; an update with nothing to set is a
// signal with nothing to do (its Action is ""), which the caller accepts.
func OpsgenieAction(action string, body []byte) (ticket.Signal, error) {
	var a opsgenieAction
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := decodeJSON(body, &a); err != nil {
			return ticket.Signal{}, err
		}
	}
	switch action {
	case "close":
		return ticket.Signal{Action: ticket.Resolve, Note: a.Note}, nil
	case "acknowledge":
		return ticket.Signal{Action: ticket.Acknowledge, Note: a.Note}, nil
	case "notes":
		if strings.TrimSpace(a.Note) == "" {
			return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "note is required")
		}
		return ticket.Signal{Action: ticket.Annotate, Note: a.Note}, nil
	case "message":
		if strings.TrimSpace(a.Message) == "" {
			return ticket.Signal{}, nil // Alertmanager sends {} when its template renders nothing
		}
		return ticket.Signal{Action: ticket.Update, Title: a.Message}, nil
	case "description":
		if strings.TrimSpace(a.Description) == "" {
			return ticket.Signal{}, nil
		}
		return ticket.Signal{Action: ticket.Update, Description: a.Description}, nil
	}
	return ticket.Signal{}, ticket.Errorf(ticket.NotFound, "tierline does not support the alert action %q: it speaks close, acknowledge, notes, message and description", action)
}
