package httpapi

import (
	"net/http"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// metrics answers GET /v1/metrics?since=&until=&tier=&integration=: the
// per-tier figures of the whole hours from since to until (RFC 3339;
// default the last 7 days).
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	var since, until time.Time
	var f figures.Filter
	var err error
	for name, at := range map[string]*time.Time{"since": &since, "until": &until} {
		if raw := v.Get(name); raw != "" {
			if *at, err = time.Parse(time.RFC3339, raw); err != nil {
				s.fail(w, r, ticket.Errorf(ticket.Invalid, "%s %q: want an RFC 3339 time such as 2026-12-01T00:00:00Z", name, raw))
				return
			}
		}
	}
	if raw := v.Get("tier"); raw != "" {
		if f.Tier, err = ticket.ParseTier(raw); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if raw := v.Get("integration"); raw != "" {
		_, isIntegration := s.config.Integration(raw)
		if _, isForm := s.config.Form(raw); !isIntegration && !isForm {
			s.fail(w, r, ticket.Errorf(ticket.Invalid, "integration %q: no integration or form of that name", raw))
			return
		}
		f.Integration = raw
	}
	report, err := s.desk.Metrics(r.Context(), since, until, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.FromReport(report, s.now().UTC()))
}
