package httpapi

import (
	"embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/ticket"
)

// The pages of the signed action links (actionlink.go): a confirm page
// whose button acknowledges, the ticket as it is now, and what happened
// (acknowledged, already taken, moved on, expired, broken). Like the form
// pages they are html/template, need no script, load nothing from
// elsewhere and are allowed only their own CSS; and no one may frame
// them, so that no page can trick a click on the button.
var (
	//go:embed actions/*.html
	actionFiles embed.FS

	confirmPage = actionTemplate("actions/confirm.html")
	viewPage    = actionTemplate("actions/view.html")
	resultPage  = actionTemplate("actions/result.html")
)

func actionTemplate(name string) *template.Template {
	return template.Must(template.New("").ParseFS(actionFiles, "actions/layout.html", name))
}

// actionView is the data of every action page.
type actionView struct {
	CSS           template.CSS // our own stylesheet, never user data
	Ticket        *ticket.Ticket
	Tier          ticket.Tier // the tier that was paged
	Channel       string      // the channel the link was sent to
	Deadline      time.Time
	DeadlineLabel string
	ConsoleURL    string
	ActionURL     string // where the confirm page posts: the link itself
	CSRF          string
	Name          string // as the person typed it, shown again after a problem
	Problem       string
	Expires       time.Time
	HandOff       *ticket.HandOff
	Tried         []ticket.Event // notes and escalations with a note
	Heading       string         // result pages
	Message       string
}

// newActionView fills in what every page of link l for ticket t shows.
func (s *Server) newActionView(r *http.Request, l actionlink.Link, t *ticket.Ticket) actionView {
	v := actionView{CSS: template.CSS(formCSS), Ticket: t, Channel: l.Channel, Expires: l.Expires,
		ConsoleURL: s.baseURL(r) + "/console/tickets/" + l.Ticket}
	if t == nil {
		v.ConsoleURL = s.baseURL(r) + "/console/"
		return v
	}
	if h, ok := t.HandOff(l.Notice); ok {
		v.Tier = h.Tier
	}
	switch t.Status {
	case ticket.StatusOpen:
		v.Deadline, v.DeadlineLabel = t.AcknowledgeBy, "Acknowledge by"
	case ticket.StatusAcknowledged:
		v.Deadline, v.DeadlineLabel = t.ResolveBy, "Resolve by"
	}
	return v
}

// renderAction writes an action page with the headers of the form pages,
// stricter: nothing may frame it, and it posts only to tierline. The link
// is a credential: never sent to another site (same-origin, since
// no-referrer would make browsers post the confirm page with Origin: null).
func (s *Server) renderAction(w http.ResponseWriter, status int, t *template.Template, data actionView) {
	self := selfSources(s.config.BaseURL)
	writePage(w, s.log, status, t, data, "default-src 'none'; style-src "+styleHash+"; form-action "+self+
		"; frame-ancestors 'none'; base-uri 'none'")
}

// result shows what happened, with the facts of t when there is one.
func (s *Server) result(w http.ResponseWriter, r *http.Request, status int, l actionlink.Link, t *ticket.Ticket, heading, message string) {
	v := s.newActionView(r, l, t)
	v.Heading, v.Message = heading, message
	s.renderAction(w, status, resultPage, v)
}

// tried is what a hand-off's reader should know was tried: the notes.
func tried(h ticket.HandOff) []ticket.Event {
	var out []ticket.Event
	for _, e := range h.Tried {
		if strings.TrimSpace(e.Note) != "" && (e.Kind == ticket.EventNoted || e.Kind == ticket.EventEscalated) {
			out = append(out, e)
		}
	}
	return out
}
