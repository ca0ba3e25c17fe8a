package httpapi

import (
	"net/http"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// hook accepts an alert from an integration: POST /v1/hooks/{integration}.
// It answers 202 only once every signal is stored.
func (s *Server) hook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("integration")
	in, ok := s.config.Integration(name)
	if !ok {
		s.fail(w, r, ticket.Errorf(ticket.NotFound, "no integration named %q", name))
		return
	}
	token := bearer(r)
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	switch {
	case token == "":
		s.fail(w, r, ticket.Errorf(ticket.Unauthorized, "send the token of integration %q as Authorization: Bearer <token> (or ?token=)", name))
		return
	case !in.Token.Matches(token):
		s.fail(w, r, ticket.Errorf(ticket.Unauthorized, "the token is not the token of integration %q", name))
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decode, _ := intake.Lookup(in.Kind) // New checked every kind
	signals, err := decode(&intake.Request{Body: body, Header: r.Header, Query: r.URL.Query()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	results, err := s.desk.Ingest(r.Context(), name, signals...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := wire.HookResponse{Results: make([]wire.HookResult, len(results))}
	for i, res := range results {
		resp.Results[i] = wire.HookResult{TicketID: res.TicketID, Outcome: string(res.Outcome)}
	}
	writeJSON(w, http.StatusAccepted, resp)
}
