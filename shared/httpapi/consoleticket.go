package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// ticketView is the data of a ticket's page: the ticket as the desk has
// it now, in the words and forms a person reads and acts with. Ticket
// text goes to the template as text, for html/template to escape.
type ticketView struct {
	consolePage
	T         *ticket.Ticket
	URL       string // the page's own address; actions post under it
	Deadlines []due
	Resolved  string // how long ago, once resolved
	Labels    []pair
	Details   []pair
	Links     []shownLink
	Timeline  []shownEvent
	HandOff   *ticket.HandOff // the latest
	Can       map[string]bool // the actions the ticket's state allows, by name
	Above     string          // the tier an escalation goes to
	Kept      map[string]string
}

// pair is one label or detail.
type pair struct{ Key, Value string }

// shownLink is a link of a ticket: Href is set only for http and https,
// so that no javascript: or data: link a sender sent becomes clickable.
type shownLink struct{ Href, Text string }

// shownEvent is one timeline event as the page shows it.
type shownEvent struct {
	ticket.Event
	When, Ago, What string
}

// ticketPage answers GET /console/tickets/{id}; ?done= names the action
// that led here, for its flash message.
func (c *console) ticketPage(w http.ResponseWriter, r *http.Request, sess session) {
	t, err := c.desk.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		c.failPage(w, r, sess, err)
		return
	}
	v := c.newTicketView(r, sess, t)
	v.Flash = flashes[r.URL.Query().Get("done")]
	c.render(w, http.StatusOK, ticketTemplate, v)
}

// flashes are what each action says it did, after its redirect.
var flashes = map[string]string{
	"acknowledge": "Acknowledged: it is yours, and the resolve deadline runs.",
	"assign":      "Assigned.",
	"note":        "Note added.",
	"escalate":    "Escalated: the next tier is paged with your note.",
	"resolve":     "Resolved.",
	"reopen":      "Reopened: its tier is paged again.",
}

func (c *console) newTicketView(r *http.Request, sess session, t *ticket.Ticket) ticketView {
	now := c.now()
	p := c.newPage(r, sess, t.ID+" "+t.Title)
	v := ticketView{consolePage: p, T: t, URL: p.Home + "/tickets/" + t.ID, Kept: map[string]string{},
		Labels: labelPairs(t.Labels), Details: detailPairs(t.Details), Links: shownLinks(t.Links), Timeline: shownTimeline(t.Timeline, now)}
	switch t.Status {
	case ticket.StatusOpen:
		v.Deadlines = []due{newDue("Acknowledge by", t.AcknowledgeBy, now), newDue("Resolve by", t.ResolveBy, now)}
	case ticket.StatusAcknowledged:
		v.Deadlines = []due{newDue("Resolve by", t.ResolveBy, now)}
	case ticket.StatusResolved:
		v.Resolved = since(t.ResolvedAt, now)
	}
	if h, ok := t.HandOff(t.Notices); ok {
		v.HandOff = &h
	}
	above, hasAbove := c.config.Policy(t.Policy).Above(t.Tier)
	unresolved := t.Status != ticket.StatusResolved
	v.Can = map[string]bool{"acknowledge": t.Status == ticket.StatusOpen, "assign": unresolved, "note": true,
		"escalate": unresolved && hasAbove, "resolve": unresolved, "reopen": !unresolved}
	if hasAbove {
		v.Above = above.String()
	}
	return v
}

func labelPairs(labels map[string]string) []pair {
	var out []pair
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		out = append(out, pair{k, labels[k]})
	}
	return out
}

// detailPairs shows each detail's value as text: a string as it is,
// anything else as its JSON.
func detailPairs(details map[string]any) []pair {
	var out []pair
	for _, k := range slices.Sorted(maps.Keys(details)) {
		s, ok := details[k].(string)
		if !ok {
			b, _ := json.Marshal(details[k])
			s = string(b)
		}
		out = append(out, pair{k, s})
	}
	return out
}

func shownLinks(links []ticket.Link) []shownLink {
	var out []shownLink
	for _, l := range links {
		s := shownLink{Text: l.Text}
		if u, err := url.Parse(l.Href); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			s.Href = l.Href
		}
		if s.Text == "" {
			s.Text = l.Href
		}
		out = append(out, s)
	}
	return out
}

func shownTimeline(events []ticket.Event, now time.Time) []shownEvent {
	out := make([]shownEvent, len(events))
	for i, e := range events {
		out[i] = shownEvent{Event: e, When: exactTime(e.At), Ago: since(e.At, now), What: eventWhat(e)}
	}
	return out
}

// eventWhat is what an event did, beyond its kind, its actor and its note.
func eventWhat(e ticket.Event) string {
	switch e.Kind {
	case ticket.EventEscalated:
		return fmt.Sprintf("%s → %s: %s", e.From, e.To, e.Reason)
	case ticket.EventCreated, ticket.EventRepeated, ticket.EventReopened, ticket.EventExhausted:
		return joinSome(e.To.String(), e.Reason)
	case ticket.EventNotified, ticket.EventResent, ticket.EventWithheld:
		return joinSome(fmt.Sprintf("hand-off %d to %s", e.Notice, e.To), e.Channel)
	case ticket.EventAssigned:
		return "to " + e.Assignee
	case ticket.EventOccurred:
		return fmt.Sprintf("%d occurrences so far", e.Count)
	}
	return e.Reason
}

// joinSome joins the non-empty ones of parts with ", ".
func joinSome(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}
