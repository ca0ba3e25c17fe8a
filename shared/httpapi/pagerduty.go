package httpapi

import (
	"net/http"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
)

// pagerDutyAnswer is the body of every answer of the PagerDuty drop-in, in
// PagerDuty's Events API v2 shape: clients (Alertmanager, Grafana, Zabbix)
// check the 202 and status "success".
type pagerDutyAnswer struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

// enqueue is PagerDuty's alert events endpoint: POST /v2/enqueue with the
// integration's token as routing_key.
func (s *Server) enqueue(w http.ResponseWriter, r *http.Request) {
	s.pagerDuty(w, r, intake.ParsePagerDuty, true)
}

// changeEnqueue is PagerDuty's change events endpoint. A change is context:
// it becomes a note on the ticket of the dedup key it names, else it is
// accepted and dropped (see intake.ParsePagerDutyChange).
func (s *Server) changeEnqueue(w http.ResponseWriter, r *http.Request) {
	s.pagerDuty(w, r, intake.ParsePagerDutyChange, false)
}

// pagerDuty authenticates the event by its routing key before it reports
// anything else wrong with it, applies it, and answers as PagerDuty does:
// 202 once stored (with the dedup key for an alert event), 400 for every
// bad event (PagerDuty clients do not retry it), 5xx only when a retry
// may work.
func (s *Server) pagerDuty(w http.ResponseWriter, r *http.Request, parse func([]byte) (intake.PagerDutyEvent, error), alert bool) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.pagerDutyFail(w, r, err)
		return
	}
	e, err := parse(body)
	if e.RoutingKey == "" {
		if err == nil {
			err = ticket.Errorf(ticket.Invalid, "'routing_key' is missing or blank")
		}
		s.pagerDutyFail(w, r, err)
		return
	}
	in, ok := s.integrationByToken("pagerduty", e.RoutingKey)
	if !ok {
		s.pagerDutyFail(w, r, ticket.Errorf(ticket.Unauthorized, "Invalid routing key"))
		return
	}
	if err != nil {
		s.pagerDutyFail(w, r, err)
		return
	}
	sig := e.Signal
	if sig.Action != "" {
		if _, err := s.desk.Ingest(r.Context(), in.Name, sig); err != nil {
			s.pagerDutyFail(w, r, err)
			return
		}
	}
	answer := pagerDutyAnswer{Status: "success", Message: "Event processed"}
	if alert {
		answer.DedupKey = sig.DedupKey
	}
	writeJSON(w, http.StatusAccepted, answer)
}

// pagerDutyFail answers err in PagerDuty's error shape. Bad input is 400,
// whatever it is: PagerDuty answers only 202, 400, 429 and 5xx.
func (s *Server) pagerDutyFail(w http.ResponseWriter, r *http.Request, err error) {
	code := ticket.ErrorCode(err)
	switch code {
	case ticket.Unavailable:
		s.log.Warn("dependency unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusServiceUnavailable, pagerDutyAnswer{Status: "unavailable",
			Message: "Event not processed; retry later", Errors: []string{ticket.ErrorMessage(err)}})
	case ticket.Internal:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, pagerDutyAnswer{Status: "internal error", Message: "Event not processed", Errors: []string{"internal error"}})
	case ticket.Malformed:
		writeJSON(w, http.StatusBadRequest, pagerDutyAnswer{Status: "Unrecognized object",
			Message: "Event object format is unrecognized", Errors: []string{"JSON parse error: " + ticket.ErrorMessage(err)}})
	default:
		writeJSON(w, http.StatusBadRequest, pagerDutyAnswer{Status: "invalid event",
			Message: "Event object is invalid", Errors: []string{ticket.ErrorMessage(err)}})
	}
}
