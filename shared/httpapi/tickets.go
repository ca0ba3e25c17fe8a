package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// listTickets answers GET /v1/tickets?tier=&status=&kind=&limit=&cursor=.
func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	q, err := listQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.desk.List(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := wire.List{Tickets: make([]wire.Ticket, len(page.Tickets)), NextCursor: page.Next}
	for i, t := range page.Tickets {
		out.Tickets[i] = wire.FromTicket(t)
	}
	writeJSON(w, http.StatusOK, out)
}

func listQuery(r *http.Request) (store.Query, error) {
	v := r.URL.Query()
	var q store.Query
	var err error
	if s := v.Get("tier"); s != "" {
		if q.Tier, err = ticket.ParseTier(s); err != nil {
			return q, err
		}
	}
	if s := v.Get("status"); s != "" {
		if q.Status, err = ticket.ParseStatus(s); err != nil {
			return q, err
		}
	}
	if s := v.Get("kind"); s != "" {
		if q.Kind, err = ticket.ParseKind(s); err != nil {
			return q, err
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxLimit {
			return q, ticket.Errorf(ticket.Invalid, "limit %q: want a number from 1 to %d", s, store.MaxLimit)
		}
		q.Limit = n
	}
	q.Cursor = v.Get("cursor")
	return q, nil
}

// getTicket answers GET /v1/tickets/{id}.
func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	t, err := s.desk.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.FromTicket(t))
}

// act answers POST /v1/tickets/{id}/{action} and returns the ticket as
// the action left it.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	a, err := s.action(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The api key is who acts; the "actor" the body names is whom it says
	// it acts for, recorded beside it.
	id, who := r.PathValue("id"), desk.Actor{Name: caller(r), OnBehalf: a.Actor}
	ctx := r.Context()
	var t *ticket.Ticket
	switch r.PathValue("action") {
	case "acknowledge":
		t, err = s.desk.Acknowledge(ctx, id, who, a.Note)
	case "resolve":
		resolution := a.Resolution
		if resolution == "" {
			resolution = a.Note
		}
		t, err = s.desk.Resolve(ctx, id, who, resolution)
	case "escalate":
		t, err = s.desk.Escalate(ctx, id, who, a.Note)
	case "notes":
		t, err = s.desk.Note(ctx, id, who, a.Note)
	case "assign":
		t, err = s.desk.Assign(ctx, id, who, a.Assignee, a.Note)
	case "reopen":
		t, err = s.desk.Reopen(ctx, id, who, a.Note)
	default:
		err = ticket.Errorf(ticket.NotFound, "no action %q: want acknowledge, resolve, escalate, notes, assign or reopen", r.PathValue("action"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.FromTicket(t))
}

// action reads an action body. An empty body is an empty action; anything
// else must be one JSON object with only the known fields. A body that is
// not JSON (cut short, or with data after the object) is Malformed; JSON
// of another shape is Invalid.
func (s *Server) action(w http.ResponseWriter, r *http.Request) (wire.Action, error) {
	var a wire.Action
	body, err := s.readBody(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return a, err
	}
	if err := intake.RequireJSON(r.Header); err != nil {
		return a, err
	}
	// Unmarshal checks the whole body first, unlike a Decoder, which
	// reports a body cut short as io.ErrUnexpectedEOF and stops after the
	// first value without looking at what follows.
	var syntax *json.SyntaxError
	if err := json.Unmarshal(body, new(json.RawMessage)); errors.As(err, &syntax) {
		return a, ticket.Errorf(ticket.Malformed, "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	}
	if err := intake.CheckMembers(body, &a); err != nil {
		return a, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		const want = "send an object with only actor, note, resolution or assignee"
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typ) && typ.Field != "":
			return a, ticket.Errorf(ticket.Invalid, "%s: want a string, got JSON %s", typ.Field, typ.Value)
		case errors.As(err, &typ):
			return a, ticket.Errorf(ticket.Invalid, "the body is JSON %s: %s", typ.Value, want)
		}
		return a, ticket.Errorf(ticket.Invalid, "%s: %s", strings.TrimPrefix(err.Error(), "json: "), want)
	}
	return a, nil
}
