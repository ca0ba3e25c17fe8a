package intake

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// pagerDutyEvent is a PagerDuty Events API v2 alert event.
type pagerDutyEvent struct {
	RoutingKey  string            `json:"routing_key"`
	EventAction string            `json:"event_action"`
	DedupKey    string            `json:"dedup_key"`
	Payload     *pagerDutyPayload `json:"payload"`
	Client      string            `json:"client"`
	ClientURL   string            `json:"client_url"`
	Links       []pagerDutyLink   `json:"links"`
	Images      []pagerDutyImage  `json:"images"`
}

type pagerDutyPayload struct {
	Summary       string          `json:"summary"`
	Source        string          `json:"source"`
	Severity      string          `json:"severity"`
	Timestamp     string          `json:"timestamp"`
	Component     string          `json:"component"`
	Group         string          `json:"group"`
	Class         string          `json:"class"`
	CustomDetails json.RawMessage `json:"custom_details"`
}

type pagerDutyLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

type pagerDutyImage struct {
	Src  string `json:"src"`
	Href string `json:"href"`
	Alt  string `json:"alt"`
}

// PagerDuty's limits.
const (
	pagerDutyMaxDedupKey = 255
	pagerDutyMaxSummary  = 1024
)

// PagerDutyEvent is an Events API v2 request as tierline reads it.
type PagerDutyEvent struct {
	RoutingKey string        // names the integration; set whenever the body is a JSON object
	Signal     ticket.Signal // the alert event; its DedupKey is made up on a trigger without one
}

// ParsePagerDuty reads an alert event posted to /v2/enqueue. The routing
// key is returned even when the rest is wrong, so that the caller can
// authenticate before it reports what is wrong. Errors are Malformed or
// Invalid and say what PagerDuty's own "errors" would.
func ParsePagerDuty(body []byte) (PagerDutyEvent, error) {
	var e pagerDutyEvent
	if err := decodeJSON(body, &e); err != nil {
		var key struct {
			RoutingKey any `json:"routing_key"`
		}
		if CheckMembers(body, &key) == nil && json.Unmarshal(body, &key) == nil {
			if k, ok := key.RoutingKey.(string); ok {
				return PagerDutyEvent{RoutingKey: k}, err
			}
		}
		return PagerDutyEvent{}, err
	}
	out := PagerDutyEvent{RoutingKey: e.RoutingKey}
	s, err := e.signal()
	if err != nil {
		return out, err
	}
	out.Signal = s
	return out, nil
}

// PagerDuty decodes the body of an alert event as kind "pagerduty"'s
// Decoder (its route, /v2/enqueue, authenticates by the routing key).
func PagerDuty(r *Request) ([]ticket.Signal, error) {
	e, err := ParsePagerDuty(r.Body)
	if err != nil {
		return nil, err
	}
	return []ticket.Signal{e.Signal}, nil
}

func (e *pagerDutyEvent) signal() (ticket.Signal, error) {
	if e.RoutingKey == "" {
		return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "'routing_key' is missing or blank")
	}
	var s ticket.Signal
	switch e.EventAction {
	case "trigger":
		s.Action = ticket.Trigger
	case "acknowledge":
		s.Action = ticket.Acknowledge
	case "resolve":
		s.Action = ticket.Resolve
	default:
		return s, ticket.Errorf(ticket.Invalid, "'event_action' %.40q is invalid: want trigger, acknowledge or resolve", e.EventAction)
	}
	s.DedupKey = strings.TrimSpace(e.DedupKey)
	switch {
	case len(s.DedupKey) > pagerDutyMaxDedupKey:
		return s, ticket.Errorf(ticket.Invalid, "'dedup_key' is longer than %d characters", pagerDutyMaxDedupKey)
	case s.DedupKey == "" && s.Action != ticket.Trigger:
		return s, ticket.Errorf(ticket.Invalid, "'dedup_key' is required to %s: it names the alert", e.EventAction)
	case s.DedupKey == "":
		s.DedupKey = randomKey() // PagerDuty makes one up too, and answers it
	}
	if e.Payload == nil {
		if s.Action == ticket.Trigger {
			return s, ticket.Errorf(ticket.Invalid, "'payload' is missing: a trigger needs payload.summary, payload.source and payload.severity")
		}
		return s, nil // acknowledge and resolve may be just {routing_key, dedup_key, event_action}
	}
	if s.Action != ticket.Trigger {
		return s, nil // Alertmanager sends the whole payload on resolve too; it changes nothing
	}
	if err := e.Payload.check(); err != nil {
		return s, err
	}
	p := e.Payload
	s.Title, s.Source, s.Severity = p.Summary, p.Source, p.Severity
	s.Labels = map[string]string{}
	for k, v := range map[string]string{"component": p.Component, "group": p.Group, "class": p.Class} {
		if v != "" {
			s.Labels[k] = v
		}
	}
	if t, ok := pagerDutyTime(p.Timestamp); ok {
		s.At = t
	}
	s.Details = customDetails(p.CustomDetails)
	var l links
	l.add(e.ClientURL, first(e.Client, "client"))
	for _, k := range e.Links {
		l.add(k.Href, k.Text)
	}
	for _, im := range e.Images {
		l.add(first(im.Href, im.Src), first(im.Alt, "image"))
	}
	s.Links = l
	return s, nil
}

func (p *pagerDutyPayload) check() error {
	switch {
	case strings.TrimSpace(p.Summary) == "":
		return ticket.Errorf(ticket.Invalid, "'payload.summary' is missing or blank")
	case len([]rune(p.Summary)) > pagerDutyMaxSummary:
		return ticket.Errorf(ticket.Invalid, "'payload.summary' is longer than %d characters", pagerDutyMaxSummary)
	case strings.TrimSpace(p.Source) == "":
		return ticket.Errorf(ticket.Invalid, "'payload.source' is missing or blank")
	}
	switch p.Severity {
	case "critical", "error", "warning", "info":
		return nil
	}
	return ticket.Errorf(ticket.Invalid, "'payload.severity' %.40q is invalid: want critical, error, warning or info", p.Severity)
}

// customDetails keeps custom_details as the ticket's details: an object as
// it is, anything else (Alertmanager before v0.30 sent text) under one key.
func customDetails(raw json.RawMessage) map[string]any {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		return obj
	}
	var v any
	json.Unmarshal(raw, &v)
	return map[string]any{"custom_details": v}
}

// pagerDutyTime reads PagerDuty's ISO 8601 timestamps, with or without the
// colon in the offset.
func pagerDutyTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
