package httpapi

import (
	"net/http"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
)

// pagerDutyAnswer is the body of every answer of the PagerDuty drop-in, in
// PagerDuty's Events API v2 shape: clients (Alertmanager, Grafana, Zabbix)
// check the 202 and status "success". An error also carries PagerDuty's
// REST API error object, "error", which is what go-pagerduty's Client
// reads for the message of its error (the Events API's own members alone
// would leave it "no JSON error object was present").
type pagerDutyAnswer struct {
	Status   string          `json:"status"`
	Message  string          `json:"message"`
	DedupKey string          `json:"dedup_key,omitempty"`
	Errors   []string        `json:"errors,omitempty"`
	Error    *pagerDutyError `json:"error,omitempty"`
}

// pagerDutyError is PagerDuty's REST API error object.
type pagerDutyError struct {
	Message string   `json:"message"`
	Code    int      `json:"code"`
	Errors  []string `json:"errors"`
}

// PagerDuty's REST API error codes tierline answers with.
const (
	pagerDutyInternalError = 2000
	pagerDutyInvalidInput  = 2001
)

// failed is an error answer: the Events API's members and the REST
// error object, saying the same.
func failed(status, message string, code int, detail string) pagerDutyAnswer {
	return pagerDutyAnswer{Status: status, Message: message, Errors: []string{detail},
		Error: &pagerDutyError{Message: message, Code: code, Errors: []string{detail}}}
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
		results, err := s.desk.Ingest(r.Context(), in.Name, sig)
		s.ingested(in.Name, results, err)
		if err != nil {
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
		s.log.WarnContext(r.Context(), "dependency unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusServiceUnavailable, failed("unavailable", "Event not processed; retry later", pagerDutyInternalError, ticket.ErrorMessage(err)))
	case ticket.Internal:
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, failed("internal error", "Event not processed", pagerDutyInternalError, "internal error"))
	case ticket.Malformed:
		writeJSON(w, http.StatusBadRequest, failed("Unrecognized object", "Event object format is unrecognized", pagerDutyInvalidInput,
			"JSON parse error: "+ticket.ErrorMessage(err)))
	default:
		writeJSON(w, http.StatusBadRequest, failed("invalid event", "Event object is invalid", pagerDutyInvalidInput, ticket.ErrorMessage(err)))
	}
}
