package httpapi

import (
	"net/http"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// hook accepts an alert from an integration: POST /v1/hooks/{integration}.
// It answers 202 only once every signal is stored.
//
// The token is checked first, then the kind's decoder checks what it must
// before anything else (a Grafana or generic HMAC, an SNS signature).
func (s *Server) hook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("integration")
	in, ok := s.config.Integration(name)
	if !ok {
		s.fail(w, r, ticket.Errorf(ticket.NotFound, "no integration named %q", name))
		return
	}
	results, err := s.hookSignals(w, r, in)
	s.ingested(name, results, err)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := wire.HookResponse{Results: make([]wire.HookResult, len(results))}
	for i, res := range results {
		resp.Results[i] = wire.HookResult{TicketID: res.TicketID, Outcome: string(res.Outcome), Truncated: res.Truncated}
	}
	writeJSON(w, http.StatusAccepted, resp)
}

// hookSignals checks, decodes and ingests the request of a hook.
func (s *Server) hookSignals(w http.ResponseWriter, r *http.Request, in policy.Integration) ([]desk.Result, error) {
	name := in.Name
	if route, ok := dropInRoutes[in.Kind]; ok {
		return nil, ticket.Errorf(ticket.NotFound, "integration %q speaks the %s: post to %s, not to its hook", name, route.api, route.path)
	}
	token := bearer(r)
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	switch {
	case token == "":
		return nil, ticket.Errorf(ticket.Unauthorized, "send the token of integration %q as Authorization: Bearer <token> (or ?token=)", name)
	case !in.Token.Matches(token):
		return nil, ticket.Errorf(ticket.Unauthorized, "the token is not the token of integration %q", name)
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return nil, err
	}
	decode, _ := intake.Lookup(in.Kind) // New checked every kind
	signals, err := decode(&intake.Request{Context: r.Context(), Body: body, Header: r.Header, Query: r.URL.Query(),
		Received: s.now(), Options: s.options[name]})
	if err != nil {
		return nil, err
	}
	if len(signals) == 0 {
		// Valid, and asks for nothing (an SNS subscription confirmed, an
		// alarm state the integration ignores): 2xx, so that it is not sent again.
		return []desk.Result{{Outcome: desk.Ignored}}, nil
	}
	return s.desk.Ingest(r.Context(), name, signals...)
}

// dropInRoutes are the kinds that speak another service's API on a route of
// its own, not on /v1/hooks.
var dropInRoutes = map[string]struct{ api, path string }{
	"pagerduty": {api: "PagerDuty Events API v2", path: "/v2/enqueue"},
	"opsgenie":  {api: "Opsgenie Alert API", path: "/v2/alerts"},
}
