package intake

import (
	"encoding/json"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// pagerDutyChange is a PagerDuty Events API v2 change event.
type pagerDutyChange struct {
	RoutingKey string          `json:"routing_key"`
	DedupKey   string          `json:"dedup_key"` // not PagerDuty's; tierline's way to name a ticket
	Links      []pagerDutyLink `json:"links"`
	Payload    *struct {
		Summary       string          `json:"summary"`
		Source        string          `json:"source"`
		Timestamp     string          `json:"timestamp"`
		CustomDetails json.RawMessage `json:"custom_details"`
	} `json:"payload"`
}

// ParsePagerDutyChange reads a change event posted to /v2/change/enqueue.
// A change is context, never an incident: it becomes a note (a signal of
// action ticket.Annotate) on the ticket whose dedup key it names, in
// payload.custom_details.dedup_key or a top-level dedup_key. A change that
// names none has no ticket to go to: its Signal is the zero Signal, and the
// caller accepts it without storing anything. As with ParsePagerDuty, the
// routing key is returned even when the rest is wrong.
func ParsePagerDutyChange(body []byte) (PagerDutyEvent, error) {
	var c pagerDutyChange
	if err := decodeJSON(body, &c); err != nil {
		e, _ := ParsePagerDuty(body) // for its routing key
		return PagerDutyEvent{RoutingKey: e.RoutingKey}, err
	}
	out := PagerDutyEvent{RoutingKey: c.RoutingKey}
	switch {
	case c.RoutingKey == "":
		return out, ticket.Errorf(ticket.Invalid, "'routing_key' is missing or blank")
	case c.Payload == nil || strings.TrimSpace(c.Payload.Summary) == "":
		return out, ticket.Errorf(ticket.Invalid, "'payload.summary' is missing or blank")
	case len([]rune(c.Payload.Summary)) > pagerDutyMaxSummary:
		return out, ticket.Errorf(ticket.Invalid, "'payload.summary' is longer than %d characters", pagerDutyMaxSummary)
	}
	key := c.DedupKey
	if details := customDetails(c.Payload.CustomDetails); key == "" && details != nil {
		key, _ = details["dedup_key"].(string)
	}
	if strings.TrimSpace(key) == "" {
		return out, nil
	}
	var note strings.Builder
	note.WriteString("change: " + c.Payload.Summary)
	if c.Payload.Source != "" {
		note.WriteString(" (" + c.Payload.Source + ")")
	}
	for _, l := range c.Links {
		note.WriteString("\n" + first(l.Text, "link") + ": " + l.Href)
	}
	out.Signal = ticket.Signal{Action: ticket.Annotate, DedupKey: key, Note: note.String()}
	return out, nil
}
