package intake

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// genericAlert is the JSON of kind "generic": the smallest useful alert is
// {"title": "…"}; everything else is optional. A body may also be a list
// of such objects.
type genericAlert struct {
	Title       string            `json:"title"`
	Summary     string            `json:"summary"` // synonym of title, as in PagerDuty and GoAlert
	Description string            `json:"description"`
	Severity    string            `json:"severity"`
	Priority    string            `json:"priority"`
	DedupKey    string            `json:"dedup_key"`
	Action      string            `json:"action"`
	Source      string            `json:"source"`
	Category    string            `json:"category"`
	Labels      map[string]string `json:"labels"`
	Details     map[string]any    `json:"details"`
	Links       []genericLink     `json:"links"`
}

// genericLink is {"href": …, "text": …} or just the URL as a string.
type genericLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

func (l *genericLink) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &l.Href)
	}
	type plain genericLink
	return json.Unmarshal(b, (*plain)(l))
}

// GenericSignatureHeader is where a generic sender puts its HMAC signature
// unless the integration names another header.
const GenericSignatureHeader = "X-Tierline-Signature"

// Generic decodes kind "generic": one alert object, or a list of them. With
// an HMAC in the options the request must be signed; with a mapping, the
// fields it names are read from the body through JSON pointers, so that a
// sender's own format needs no translation (see mapping.go).
func Generic(r *Request) ([]ticket.Signal, error) {
	if h := r.Options.HMAC; h != nil {
		if err := h.verify(r, GenericSignatureHeader); err != nil {
			return nil, err
		}
	}
	if err := RequireJSON(r.Header); err != nil {
		return nil, err
	}
	if len(r.Options.Mapping) > 0 {
		return mapped(r.Body, r.Options.Mapping)
	}
	var alerts []genericAlert
	body := bytes.TrimSpace(r.Body)
	if len(body) > 0 && body[0] == '[' {
		if err := decodeJSON(body, &alerts); err != nil {
			return nil, err
		}
		if len(alerts) == 0 {
			return nil, ticket.Errorf(ticket.Invalid, "the list of alerts is empty")
		}
	} else {
		var a genericAlert
		if err := decodeJSON(body, &a); err != nil {
			return nil, err
		}
		alerts = []genericAlert{a}
	}
	out := make([]ticket.Signal, 0, len(alerts))
	for _, a := range alerts {
		s, err := a.signal()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (a genericAlert) signal() (ticket.Signal, error) {
	action, err := ticket.ParseAction(a.Action)
	if err != nil {
		return ticket.Signal{}, err
	}
	s := ticket.Signal{Action: action, DedupKey: a.DedupKey, Title: a.Title, Description: a.Description,
		Severity: a.Severity, Source: a.Source, Category: a.Category, Labels: a.Labels, Details: a.Details}
	if strings.TrimSpace(s.Title) == "" {
		s.Title = a.Summary // a blank title is no title: summary stands in
	}
	if a.Priority != "" {
		if s.Priority, err = ticket.ParsePriority(a.Priority); err != nil {
			return ticket.Signal{}, err
		}
	}
	for _, l := range a.Links {
		s.Links = append(s.Links, ticket.Link{Href: l.Href, Text: l.Text})
	}
	return s, nil
}
