package httpapi

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// opsgenieAnswer is the body of the Opsgenie drop-in's answers, in the
// Alert API's shape: {result, took, requestId} when accepted, {message,
// took, requestId} when not, {data, took, requestId} for a read.
type opsgenieAnswer struct {
	Result    string  `json:"result,omitempty"`
	Message   string  `json:"message,omitempty"`
	Data      any     `json:"data,omitempty"`
	Took      float64 `json:"took"`
	RequestID string  `json:"requestId"`
}

// opsgenieCall is one request to the Opsgenie drop-in, timed for "took".
type opsgenieCall struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	start time.Time
	id    string // the answer's requestId until an accepted request has its own
	key   string // the GenieKey presented, which signs request ids
	in    policy.Integration
}

// opsgenie starts a call: it authenticates the GenieKey, and answers 401
// itself when it is missing or wrong.
func (s *Server) opsgenie(w http.ResponseWriter, r *http.Request) (*opsgenieCall, bool) {
	c := &opsgenieCall{s: s, w: w, r: r, start: time.Now(), id: requestID()}
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "GenieKey") || strings.TrimSpace(key) == "" {
		c.fail(ticket.Errorf(ticket.Unauthorized, "send the integration's token as Authorization: GenieKey <token>"))
		return nil, false
	}
	c.key = strings.TrimSpace(key)
	in, ok := s.integrationByToken("opsgenie", c.key)
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
	c.ingest(verbCreate, signals[0])
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
	verb := actionVerbs[action]
	switch kind := r.URL.Query().Get("identifierType"); kind {
	case "alias":
		sig.DedupKey = ident
		if sig.Action == "" {
			c.done(opsgenieRequest{action: verb, outcome: outcomeNothing}) // an update with nothing to set
			return
		}
		c.ingest(verb, sig)
	case "id", "tiny", "":
		c.byID(verb, ident, sig)
	default:
		c.fail(ticket.Errorf(ticket.Invalid, "identifierType %.20q: tierline reads alias, or id (a ticket id, which is also the tinyId)", kind))
	}
}

// actionVerbs are the request-status actions of the action routes.
var actionVerbs = map[string]opsgenieVerb{"close": verbClose, "acknowledge": verbAcknowledge, "notes": verbAddNote,
	"message": verbUpdateMessage, "description": verbUpdateDescription}

// byID acts on the ticket named by its id. The id of another integration's
// ticket is answered as not found.
func (c *opsgenieCall) byID(verb opsgenieVerb, id string, sig ticket.Signal) {
	ctx, d, who := c.r.Context(), c.s.desk, desk.By(c.in.Name)
	t, err := d.Get(ctx, id)
	if err == nil && t.Integration != who.Name {
		err = ticket.Errorf(ticket.NotFound, "ticket %q not found", id)
	}
	if err != nil {
		c.fail(err)
		return
	}
	q := opsgenieRequest{action: verb, outcome: outcomeDone, alertID: t.ID}
	switch sig.Action {
	case ticket.Resolve:
		_, err = d.Resolve(ctx, t.ID, who, firstNonBlank(sig.Note, "closed by "+who.Name))
	case ticket.Acknowledge:
		_, err = d.Acknowledge(ctx, t.ID, who, sig.Note)
	case ticket.Annotate:
		_, err = d.Note(ctx, t.ID, who, sig.Note)
	case ticket.Update:
		if t.Status != ticket.StatusResolved {
			sig.DedupKey = t.DedupKey
			c.ingest(verb, sig)
			return
		}
		q.outcome = outcomeAlready
	default:
		q.outcome = outcomeNothing
	}
	if ticket.ErrorCode(err) == ticket.Conflict {
		err, q.outcome = nil, outcomeAlready // Opsgenie, being asynchronous, accepts it too
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.done(q)
}

// ingest applies sig, keyed by alias.
func (c *opsgenieCall) ingest(verb opsgenieVerb, sig ticket.Signal) {
	results, err := c.s.desk.Ingest(c.r.Context(), c.in.Name, sig)
	c.s.ingested(c.in.Name, results, err)
	if err != nil {
		c.fail(err)
		return
	}
	res := results[0]
	c.done(opsgenieRequest{action: verb, outcome: outcomes[res.Outcome], alertID: res.TicketID})
}

// outcomes are what the desk's outcomes are to a request's status.
var outcomes = map[desk.Outcome]requestOutcome{
	desk.Created: outcomeCreated, desk.Occurrence: outcomeCounted, desk.Acknowledged: outcomeDone, desk.Resolved: outcomeDone,
	desk.Noted: outcomeDone, desk.Updated: outcomeDone, desk.Ignored: outcomeAlready, desk.Duplicate: outcomeAlready,
}

// done answers 202 for an applied request, whose requestId tells what it
// did (see opsgenieRequest).
func (c *opsgenieCall) done(q opsgenieRequest) {
	if q.alertID == "" && q.outcome != outcomeNothing {
		q.outcome = outcomeMissing // the alias has no alert
	}
	q.at = c.s.now()
	c.id = q.id(c.in.Name, c.key)
	c.write(http.StatusAccepted, opsgenieAnswer{Result: "Request will be processed"})
}

// data answers 200 with v as the data of a read.
func (c *opsgenieCall) data(v any) {
	c.write(http.StatusOK, opsgenieAnswer{Data: v})
}

// write answers with the headers the Opsgenie SDKs read: X-Request-ID
// (which wins over the body's requestId), X-Response-Time and
// X-RateLimit-State (tierline itself does not throttle).
func (c *opsgenieCall) write(status int, a opsgenieAnswer) {
	a.Took, a.RequestID = c.took(), c.id
	h := c.w.Header()
	h.Set("X-Request-ID", c.id)
	h.Set("X-Response-Time", strconv.FormatFloat(a.Took, 'f', -1, 64))
	h.Set("X-RateLimit-State", "OK")
	writeJSON(c.w, status, a)
}

// fail answers err in Opsgenie's error shape, with the status of the one
// table (Opsgenie's own: 400, 401, 403, 404, 422, and 5xx to retry).
func (c *opsgenieCall) fail(err error) {
	if he, ok := err.(*httpError); ok {
		c.write(he.status, opsgenieAnswer{Message: he.message})
		return
	}
	code := ticket.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		code, status = ticket.Internal, http.StatusInternalServerError
	}
	switch code {
	case ticket.Internal:
		c.s.log.ErrorContext(c.r.Context(), "internal error", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
	case ticket.Unavailable:
		c.s.log.WarnContext(c.r.Context(), "dependency unavailable", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
		c.w.Header().Set("Retry-After", retryAfter)
	}
	c.write(status, opsgenieAnswer{Message: ticket.ErrorMessage(err)})
}

// took is the seconds the call took, at least a microsecond: the SDK takes
// a zero as "not set".
func (c *opsgenieCall) took() float64 {
	return float64(max(time.Since(c.start).Microseconds(), 1)) / 1e6
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
