package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// actionRoutes adds the pages of the signed links hand-offs carry
// (package actionlink): GET shows, and only a POST from the confirm page
// acts, so that link previewers and mail scanners, which fetch every URL
// of a message, take no ticket.
func (s *Server) actionRoutes() {
	s.handle("GET /a/{token}", s.showAction)
	s.handle("POST /a/{token}", s.doAction)
}

// maxActionForm bounds the confirm page's post: a CSRF token and a name.
const maxActionForm = 8 << 10

// LinkActor is the actor a signed link acts as on the timeline: what
// tierline authenticated is the link's signature, which names the tier
// and channel the link was sent to ("link:L1/oncall-slack"). The name a
// person types on the confirm page is kept beside it, as a claim.
func LinkActor(tier ticket.Tier, channel string) string {
	return "link:" + tier.String() + "/" + channel
}

// openLink reads the link of the request's path and its ticket, or
// answers with the page that says why it cannot: 404 for a link tierline
// did not make (or whose ticket is gone), 410 for an expired one.
func (s *Server) openLink(w http.ResponseWriter, r *http.Request) (actionlink.Link, *ticket.Ticket, bool) {
	l, err := s.links.Open(r.PathValue("token"), s.now())
	switch {
	case errors.Is(err, actionlink.ErrExpired):
		t, _ := s.desk.Get(r.Context(), l.Ticket)
		s.result(w, r, http.StatusGone, l, t, "This link has expired",
			fmt.Sprintf("It worked until %s. Open the ticket in the console to act on it.", l.Expires.Format("2 Jan 2006, 15:04 MST")))
		return l, nil, false
	case err != nil:
		s.result(w, r, http.StatusNotFound, l, nil, "This link does not work",
			"Check that you opened all of it. Links from hand-offs cannot be changed, and work only on the tierline that sent them.")
		return l, nil, false
	}
	t, err := s.desk.Get(r.Context(), l.Ticket)
	if ticket.ErrorCode(err) == ticket.NotFound {
		s.result(w, r, http.StatusNotFound, l, nil, "This ticket is gone", "Its ticket no longer exists.")
		return l, nil, false
	}
	if err != nil {
		s.fail(w, r, err)
		return l, nil, false
	}
	return l, t, true
}

// showAction answers GET /a/{token}: the ticket as it is now for a view
// link; for an acknowledge link the confirm page, or what made the link
// used. It changes nothing, however often it is fetched.
func (s *Server) showAction(w http.ResponseWriter, r *http.Request) {
	l, t, ok := s.openLink(w, r)
	if !ok {
		return
	}
	v := s.newActionView(r, l, t)
	if l.Action == actionlink.View {
		if h, ok := t.HandOff(l.Notice); ok {
			v.HandOff, v.Tried = &h, tried(h)
		}
		s.renderAction(w, http.StatusOK, viewPage, v)
		return
	}
	if heading, message := used(t, l); heading != "" {
		s.result(w, r, http.StatusOK, l, t, heading, message)
		return
	}
	s.confirm(w, r, http.StatusOK, l, v, "", "")
}

// confirm renders the confirm page of l.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, status int, l actionlink.Link, v actionView, name, problem string) {
	v.ActionURL = s.baseURL(r) + "/a/" + r.PathValue("token")
	v.CSRF, v.Name, v.Problem = s.links.CSRF(r.PathValue("token")), name, problem
	s.renderAction(w, status, confirmPage, v)
}

// doAction answers POST /a/{token}, the confirm page's button: it
// acknowledges the ticket as the link, for the name given, when the post
// comes from tierline's own page with the link's CSRF token and the
// link's hand-off is still the latest. A link used meanwhile says so.
func (s *Server) doAction(w http.ResponseWriter, r *http.Request) {
	l, t, ok := s.openLink(w, r)
	if !ok {
		return
	}
	if l.Action != actionlink.Acknowledge {
		s.result(w, r, http.StatusMethodNotAllowed, l, t, "This link only shows the ticket", "Open the ticket in the console to act on it.")
		return
	}
	if !s.sameSite(r) {
		s.result(w, r, http.StatusForbidden, l, t, "Refused: this did not come from tierline's page",
			"Another site tried to act with this link. Open the link itself, and use its button.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxActionForm)
	if err := r.ParseForm(); err != nil || !s.links.CheckCSRF(r.PathValue("token"), r.PostForm.Get("csrf")) {
		s.result(w, r, http.StatusForbidden, l, t, "Refused: this did not come from tierline's page",
			"The confirmation lacks the token of this link's page. Open the link again and use its button.")
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if heading, message := used(t, l); heading != "" {
		s.result(w, r, http.StatusConflict, l, t, heading, message)
		return
	}
	h, _ := t.HandOff(l.Notice)
	who := desk.Actor{Name: LinkActor(h.Tier, l.Channel), OnBehalf: name}
	done, err := s.desk.AcknowledgeHandOff(r.Context(), t.ID, l.Notice, who)
	switch code := ticket.ErrorCode(err); {
	case err == nil:
		s.log.InfoContext(r.Context(), "acknowledged through a signed link", "ticket", t.ID, "notice", l.Notice, "actor", who.String())
		s.result(w, r, http.StatusOK, l, done, "Acknowledged: it is yours",
			fmt.Sprintf("Ticket %s is acknowledged by %s. Resolve it by %s, or it escalates.", done.ID, who, done.ResolveBy.Format("2 Jan 2006, 15:04 MST")))
	case code == ticket.Conflict:
		now, gerr := s.desk.Get(r.Context(), t.ID)
		if gerr != nil {
			now = t
		}
		heading, message := used(now, l)
		if heading == "" {
			heading, message = "Not acknowledged", ticket.ErrorMessage(err)
		}
		s.result(w, r, http.StatusConflict, l, now, heading, message)
	case code == ticket.Invalid:
		v := s.newActionView(r, l, t)
		s.confirm(w, r, http.StatusUnprocessableEntity, l, v, name, ticket.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// used says why acknowledge link l of ticket t can no longer act, or ""
// while it can: the ticket is resolved or already taken, or a later
// hand-off (an escalation, another page to the top tier) superseded the
// one the link came with.
func used(t *ticket.Ticket, l actionlink.Link) (heading, message string) {
	switch {
	case t.Status == ticket.StatusResolved:
		return "Already resolved", fmt.Sprintf("%s resolved it %s.", byWhom(t, ticket.EventResolved), ago(t.ResolvedAt))
	case t.Status == ticket.StatusAcknowledged:
		return "Already acknowledged", fmt.Sprintf("%s acknowledged it %s; it is %s's now.", byWhom(t, ticket.EventAcknowledged), ago(t.AcknowledgedAt), t.Assignee)
	case t.Notices > l.Notice:
		return "This page is out of date", fmt.Sprintf("The ticket has moved on since: %s has it now (hand-off %d of %d). That tier's page acts on it.", t.Tier, l.Notice, t.Notices)
	}
	return "", ""
}

// byWhom is who did the latest event of kind on t.
func byWhom(t *ticket.Ticket, kind ticket.EventKind) string {
	for i := len(t.Timeline) - 1; i >= 0; i-- {
		if e := t.Timeline[i]; e.Kind == kind {
			return e.By()
		}
	}
	return "Someone"
}

// ago says when, to the minute, in UTC.
func ago(at time.Time) string {
	return "at " + at.UTC().Format("2 Jan 2006, 15:04 MST")
}

// sameSite reports whether a browser's post comes from tierline's own
// page: a cross-site Sec-Fetch-Site, or an Origin other than tierline's
// own, is not. A client that sends neither is no browser (curl), for
// which the CSRF token alone decides.
func (s *Server) sameSite(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	return origin == "" || s.ownOrigin(r, origin)
}
