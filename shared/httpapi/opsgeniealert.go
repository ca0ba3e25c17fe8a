package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// opsgenieAlert is an alert in the Alert API's shape, as GET
// /v2/alerts/{identifier} answers it: the ticket, in Opsgenie's words.
type opsgenieAlert struct {
	ID             string              `json:"id"`
	TinyID         string              `json:"tinyId"`
	Alias          string              `json:"alias"`
	Message        string              `json:"message"`
	Status         string              `json:"status"` // open or closed
	Acknowledged   bool                `json:"acknowledged"`
	IsSeen         bool                `json:"isSeen"`
	Tags           []string            `json:"tags"`
	Snoozed        bool                `json:"snoozed"`
	Count          int                 `json:"count"`
	LastOccurredAt time.Time           `json:"lastOccurredAt"`
	CreatedAt      time.Time           `json:"createdAt"`
	UpdatedAt      time.Time           `json:"updatedAt"`
	Source         string              `json:"source"`
	Owner          string              `json:"owner"`
	Priority       string              `json:"priority"`
	Responders     []any               `json:"responders"`
	Integration    opsgenieIntegration `json:"integration"`
	Report         opsgenieReport      `json:"report"`
	Actions        []string            `json:"actions"`
	Entity         string              `json:"entity"`
	Description    string              `json:"description"`
	Details        map[string]string   `json:"details"`
}

type opsgenieIntegration struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// opsgenieReport is how the alert was handled: times in milliseconds from
// its creation, and by whom.
type opsgenieReport struct {
	AckTime        int64  `json:"ackTime,omitempty"`
	CloseTime      int64  `json:"closeTime,omitempty"`
	AcknowledgedBy string `json:"acknowledgedBy,omitempty"`
	ClosedBy       string `json:"closedBy,omitempty"`
}

// opsgenieGet is GET /v2/alerts/{identifier}?identifierType=id|tiny|alias:
// an alert of the caller's integration. By alias it is the alert a create
// or a close of the alias reaches: the open one, else the latest closed.
// A tinyId is the ticket id too. Another integration's alert is not found.
func (s *Server) opsgenieGet(w http.ResponseWriter, r *http.Request) {
	c, ok := s.opsgenie(w, r)
	if !ok {
		return
	}
	ctx, ident := r.Context(), r.PathValue("identifier")
	var t *ticket.Ticket
	var err error
	switch kind := r.URL.Query().Get("identifierType"); kind {
	case "alias":
		t, err = s.desk.Latest(ctx, c.in.Name, ident)
		if err == nil {
			t, err = s.desk.Get(ctx, t.ID) // with its timeline
		}
	case "id", "tiny", "":
		t, err = s.desk.Get(ctx, ident)
	default:
		err = ticket.Errorf(ticket.Invalid, "identifierType %.20q: tierline reads alias, or id (a ticket id, which is also the tinyId)", kind)
	}
	if err == nil && t.Integration != c.in.Name {
		err = ticket.Errorf(ticket.NotFound, "alert %q not found", ident)
	}
	if ticket.ErrorCode(err) == ticket.NotFound {
		err = ticket.Errorf(ticket.NotFound, "Alert does not exist: this integration has no alert %s %.100q", identifierWord(r), ident)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.data(alertOf(t))
}

func identifierWord(r *http.Request) string {
	if r.URL.Query().Get("identifierType") == "alias" {
		return "with alias"
	}
	return "with id"
}

// alertOf is t as an Opsgenie alert. Tags are the create's tags (kept in
// the details), else the labels as key:value; details are text, as
// Opsgenie's are, other JSON values in their JSON spelling.
func alertOf(t *ticket.Ticket) opsgenieAlert {
	a := opsgenieAlert{ID: t.ID, TinyID: t.ID, Alias: t.DedupKey, Message: t.Title, Status: "open",
		Acknowledged: !t.AcknowledgedAt.IsZero(), IsSeen: !t.AcknowledgedAt.IsZero(), Count: t.Occurrences,
		LastOccurredAt: t.LastSeen, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Source: t.Source, Owner: t.Assignee,
		Priority: t.Priority.String(), Responders: []any{}, Actions: []string{}, Entity: t.Labels["entity"],
		Description: t.Description, Details: map[string]string{},
		Integration: opsgenieIntegration{ID: t.Integration, Name: t.Integration, Type: "API"}}
	if t.Status == ticket.StatusResolved {
		a.Status = "closed"
	}
	var sent bool
	a.Tags, sent = tagsOf(t)
	for k, v := range t.Details {
		if k == "tags" && sent {
			continue
		}
		if s, ok := v.(string); ok {
			a.Details[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		a.Details[k] = string(b)
	}
	if !t.AcknowledgedAt.IsZero() {
		a.Report.AckTime = t.AcknowledgedAt.Sub(t.CreatedAt).Milliseconds()
	}
	if !t.ResolvedAt.IsZero() {
		a.Report.CloseTime = t.ResolvedAt.Sub(t.CreatedAt).Milliseconds()
	}
	for _, e := range t.Timeline {
		switch e.Kind {
		case ticket.EventAcknowledged:
			a.Report.AcknowledgedBy = e.Actor
		case ticket.EventResolved:
			a.Report.ClosedBy = e.Actor
		}
	}
	return a
}

// tagsOf returns the tags of a ticket an Opsgenie create opened: as sent,
// when the decoder kept them in the details (sent), else its labels.
func tagsOf(t *ticket.Ticket) (tags []string, sent bool) {
	switch list := t.Details["tags"].(type) {
	case []string:
		return list, true
	case []any:
		for _, v := range list {
			if s, ok := v.(string); ok {
				tags = append(tags, s)
			}
		}
		if len(tags) == len(list) {
			return tags, true
		}
	}
	tags = []string{}
	for k, v := range t.Labels {
		switch {
		case k == "entity":
		case v == "":
			tags = append(tags, k)
		default:
			tags = append(tags, k+":"+v)
		}
	}
	slices.Sort(tags)
	return tags, false
}
