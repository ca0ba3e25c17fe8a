package httpapi

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// opsgenieAnswer is the body of the Opsgenie drop-in's answers, in the
// Alert API's shape: {result, took, requestId} when accepted, {message,
// took, requestId} when not.
type opsgenieAnswer struct {
	Result    string  `json:"result,omitempty"`
	Message   string  `json:"message,omitempty"`
	Took      float64 `json:"took"`
	RequestID string  `json:"requestId"`
}

// opsgenieCall is one request to the Opsgenie drop-in, timed for "took".
type opsgenieCall struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	start time.Time
	id    string
	in    policy.Integration
}

// opsgenie starts a call: it authenticates the GenieKey, and answers 401
// itself when it is missing or wrong.
func (s *Server) opsgenie(w http.ResponseWriter, r *http.Request) (*opsgenieCall, bool) {
	c := &opsgenieCall{s: s, w: w, r: r, start: time.Now(), id: requestID()}
	w.Header().Set("X-Request-ID", c.id)
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "GenieKey") || strings.TrimSpace(key) == "" {
		c.fail(ticket.Errorf(ticket.Unauthorized, "send the integration's token as Authorization: GenieKey <token>"))
		return nil, false
	}
	in, ok := s.integrationByToken("opsgenie", strings.TrimSpace(key))
	if !ok {
		c.fail(ticket.Errorf(ticket.Unauthorized, "the GenieKey is not the token of an opsgenie integration"))
		return nil, false
	}
	c.in = in
	return c, true
}

// opsgenieCreate is POST /v2/alerts: create an alert, or count an
// occurrence on the open one of its alias.
func (s *Server) opsgenieCreate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.opsgenie(w, r)
	if !ok {
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		c.fail(err)
		return
	}
	signals, err := intake.Opsgenie(&intake.Request{Context: r.Context(), Body: body, Header: r.Header, Received: s.now()})
	if err != nil {
		c.fail(err)
		return
	}
	c.ingest(signals[0])
}

// opsgenieAction is POST /v2/alerts/{identifier}/close, /acknowledge and
// /notes, and PUT …/message and …/description (Alertmanager's
// update_alerts), with identifierType alias or id (the default; a
// tierline ticket id).
func (s *Server) opsgenieAction(w http.ResponseWriter, r *http.Request) {
	c, ok := s.opsgenie(w, r)
	if !ok {
		return
	}
	action, ident := r.PathValue("action"), r.PathValue("identifier")
	update := action == "message" || action == "description"
	if update != (r.Method == http.MethodPut) {
		method := map[bool]string{true: "PUT", false: "POST"}[update]
		c.fail(errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s the alert's %s with %s", strings.ToLower(r.Method), action, method))
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		c.fail(err)
		return
	}
	sig, err := intake.OpsgenieAction(action, body)
	if err != nil {
		c.fail(err)
		return
	}
	switch kind := r.URL.Query().Get("identifierType"); kind {
	case "alias":
		sig.DedupKey = ident
		if sig.Action == "" {
			c.accepted() // an update with nothing to set
			return
		}
		c.ingest(sig)
	case "id", "":
		c.byID(ident, sig)
	default:
		c.fail(ticket.Errorf(ticket.Invalid, "identifierType %.20q: tierline reads alias, or id (a ticket id)", kind))
	}
}

// byID acts on the ticket named by its id. The id of another integration's
// ticket is answered as not found.
func (c *opsgenieCall) byID(id string, sig ticket.Signal) {
	ctx, d, who := c.r.Context(), c.s.desk, c.in.Name
	t, err := d.Get(ctx, id)
	if err == nil && t.Integration != who {
		err = ticket.Errorf(ticket.NotFound, "ticket %q not found", id)
	}
	if err != nil {
		c.fail(err)
		return
	}
	switch sig.Action {
	case ticket.Resolve:
		_, err = d.Resolve(ctx, t.ID, who, firstNonBlank(sig.Note, "closed by "+who))
	case ticket.Acknowledge:
		if _, err = d.Acknowledge(ctx, t.ID, who); err == nil && sig.Note != "" {
			_, err = d.Note(ctx, t.ID, who, sig.Note)
		}
	case ticket.Annotate:
		_, err = d.Note(ctx, t.ID, who, sig.Note)
	case ticket.Update:
		if t.Status != ticket.StatusResolved {
			sig.DedupKey = t.DedupKey
			c.ingest(sig)
			return
		}
	}
	if ticket.ErrorCode(err) == ticket.Conflict {
		err = nil // already in that state: Opsgenie, being asynchronous, accepts it too
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.accepted()
}

// ingest applies sig, keyed by alias.
func (c *opsgenieCall) ingest(sig ticket.Signal) {
	r := c.r
	if _, err := c.s.desk.Ingest(r.Context(), c.in.Name, sig); err != nil {
		c.fail(err)
		return
	}
	c.accepted()
}

func (c *opsgenieCall) accepted() {
	writeJSON(c.w, http.StatusAccepted, opsgenieAnswer{Result: "Request will be processed", Took: c.took(), RequestID: c.id})
}

// fail answers err in Opsgenie's error shape, with the status of the one
// table (Opsgenie's own: 400, 401, 403, 404, 422, and 5xx to retry).
func (c *opsgenieCall) fail(err error) {
	if he, ok := err.(*httpError); ok {
		writeJSON(c.w, he.status, opsgenieAnswer{Message: he.message, Took: c.took(), RequestID: c.id})
		return
	}
	code := ticket.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		code, status = ticket.Internal, http.StatusInternalServerError
	}
	switch code {
	case ticket.Internal:
		c.s.log.Error("internal error", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
	case ticket.Unavailable:
		c.s.log.Warn("dependency unavailable", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
		c.w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(c.w, status, opsgenieAnswer{Message: ticket.ErrorMessage(err), Took: c.took(), RequestID: c.id})
}

func (c *opsgenieCall) took() float64 {
	return float64(time.Since(c.start).Microseconds()) / 1e6
}

// requestID returns a random (version 4) UUID, as Opsgenie's requestId is.
func requestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func firstNonBlank(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
