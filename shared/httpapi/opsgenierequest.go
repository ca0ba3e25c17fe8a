package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// opsgenieRequest is what one Opsgenie request did, as GET
// /v2/alerts/requests/{requestId} reports it. Opsgenie applies requests
// later and keeps their outcome for that endpoint; tierline answers 202
// only once the request is applied, so the outcome is known when the
// answer is written, and the requestId is that outcome itself, encoded
// and signed rather than stored. No write is added, and it works the same
// on SQLite and DynamoDB and on Lambda, where nothing outlives an
// invocation.
type opsgenieRequest struct {
	action  opsgenieVerb
	outcome requestOutcome
	alertID string    // the ticket it acted on; "" when there was none
	at      time.Time // when it was applied, to the millisecond
}

// opsgenieVerb is an Alert API action, named as Opsgenie's request status
// names it.
type opsgenieVerb uint8

const (
	verbCreate opsgenieVerb = iota + 1
	verbClose
	verbAcknowledge
	verbAddNote
	verbUpdateMessage
	verbUpdateDescription
)

// requestOutcome is what a request did to its alert.
type requestOutcome uint8

const (
	outcomeCreated requestOutcome = iota + 1 // a create opened an alert
	outcomeCounted                           // a create counted another occurrence of the open alert
	outcomeDone                              // the action was applied
	outcomeAlready                           // the alert was already past it: closed, or acknowledged
	outcomeNothing                           // an update that set nothing
	outcomeMissing                           // no alert of the alias or id
)

// verbs are the actions' names and what each outcome says of them.
var verbs = map[opsgenieVerb]struct {
	name, done, already string
}{
	verbCreate:            {name: "Create", done: "Created alert"},
	verbClose:             {name: "Close", done: "Closed alert", already: "Alert is already closed"},
	verbAcknowledge:       {name: "Acknowledge", done: "Acknowledged alert", already: "Alert is already acknowledged or closed"},
	verbAddNote:           {name: "AddNote", done: "Added note"},
	verbUpdateMessage:     {name: "UpdateMessage", done: "Updated message", already: "Alert is closed or already has this message"},
	verbUpdateDescription: {name: "UpdateDescription", done: "Updated description", already: "Alert is closed or already has this description"},
}

// status is the request's status text and whether it succeeded: only a
// request for an alert that does not exist did not.
func (q opsgenieRequest) status() (string, bool) {
	v := verbs[q.action]
	switch q.outcome {
	case outcomeCreated, outcomeDone:
		return v.done, true
	case outcomeCounted:
		return "Alert already exists: counted as another occurrence", true
	case outcomeAlready:
		if v.already == "" {
			return "Nothing to do", true
		}
		return v.already, true
	case outcomeNothing:
		return "Nothing to update: the request sets no text", true
	}
	return "Alert does not exist", false
}

// requestPurpose separates request-id signatures from anything else.
const requestPurpose = "tierline opsgenie request v1"

// Layout of a request id before base64url: version, action, outcome, the
// time in Unix milliseconds, the alert id (0 or 14 bytes), then the first
// 16 bytes of an HMAC-SHA256 of all of it under the integration's token.
const (
	requestVersion = 1
	requestHead    = 3 + 8
	requestMAC     = 16
)

// requestIDEncoding is strict, so that a request id has one spelling.
var requestIDEncoding = base64.RawURLEncoding.Strict()

// id encodes q as the requestId of a request of integration in, made with
// key, its GenieKey: only a holder of the key can make or read one, and
// only for that integration.
func (q opsgenieRequest) id(in, key string) string {
	b := make([]byte, requestHead, requestHead+len(q.alertID)+requestMAC)
	b[0], b[1], b[2] = requestVersion, byte(q.action), byte(q.outcome)
	binary.BigEndian.PutUint64(b[3:], uint64(q.at.UnixMilli()))
	b = append(b, q.alertID...)
	return requestIDEncoding.EncodeToString(append(b, requestSum(in, key, b)...))
}

// parseRequestID reads a requestId that id made for in and key.
func parseRequestID(raw, in, key string) (opsgenieRequest, bool) {
	b, err := requestIDEncoding.DecodeString(raw)
	if err != nil || len(b) < requestHead+requestMAC || b[0] != requestVersion {
		return opsgenieRequest{}, false
	}
	body, sum := b[:len(b)-requestMAC], b[len(b)-requestMAC:]
	if !hmac.Equal(sum, requestSum(in, key, body)) {
		return opsgenieRequest{}, false
	}
	q := opsgenieRequest{action: opsgenieVerb(body[1]), outcome: requestOutcome(body[2]),
		at: time.UnixMilli(int64(binary.BigEndian.Uint64(body[3:requestHead]))).UTC(), alertID: string(body[requestHead:])}
	if _, ok := verbs[q.action]; !ok || q.outcome < outcomeCreated || q.outcome > outcomeMissing {
		return opsgenieRequest{}, false
	}
	return q, true
}

func requestSum(in, key string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(requestPurpose + "\x00" + in + "\x00"))
	m.Write(body)
	return m.Sum(nil)[:requestMAC]
}

// opsgenieRequestStatus is the data of Opsgenie's request status.
type opsgenieRequestStatus struct {
	Success       bool      `json:"success"`
	Action        string    `json:"action"`
	ProcessedAt   time.Time `json:"processedAt"`
	IntegrationID string    `json:"integrationId"`
	IsSuccess     bool      `json:"isSuccess"`
	Status        string    `json:"status"`
	AlertID       string    `json:"alertId"`
	Alias         string    `json:"alias"`
}

// opsgenieRead is GET /v2/alerts/{identifier}/{action}: of those reads
// tierline serves only the request status, GET /v2/alerts/requests/
// {requestId} (one pattern, because a pattern of its own would overlap
// the actions' POST /v2/alerts/{identifier}/{action}).
func (s *Server) opsgenieRead(w http.ResponseWriter, r *http.Request) {
	c, ok := s.opsgenie(w, r)
	if !ok {
		return
	}
	if r.PathValue("identifier") != "requests" {
		c.fail(ticket.Errorf(ticket.NotFound, "tierline does not serve GET %s: it reads an alert (GET /v2/alerts/{identifier}) and a request's status (GET /v2/alerts/requests/{requestId})", r.URL.Path))
		return
	}
	c.status(r.PathValue("action"))
}

// status answers what a request of the caller's integration did. A
// requestId tierline did not give this integration is not found; the
// alias is the alert's as it is now.
func (c *opsgenieCall) status(raw string) {
	s, r := c.s, c.r
	q, ok := parseRequestID(raw, c.in.Name, c.key)
	if !ok {
		c.fail(ticket.Errorf(ticket.NotFound, "request %.80q not found: use the requestId of an answer to this integration's GenieKey", raw))
		return
	}
	text, success := q.status()
	st := opsgenieRequestStatus{Success: success, IsSuccess: success, Action: verbs[q.action].name, ProcessedAt: q.at,
		IntegrationID: c.in.Name, Status: text, AlertID: q.alertID}
	if q.alertID != "" {
		t, err := s.desk.Get(r.Context(), q.alertID)
		switch {
		case err == nil && t.Integration == c.in.Name:
			st.Alias = t.DedupKey
		case err != nil && ticket.ErrorCode(err) != ticket.NotFound:
			c.fail(err)
			return
		}
	}
	c.data(st)
}
