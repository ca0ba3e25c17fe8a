package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/wire"
)

// requestIDs are the request ids of accepted requests: a signed record of
// what the request did, in base64url (see GET /v2/alerts/requests/{id}).
var requestIDs = regexp.MustCompile(`^[A-Za-z0-9_-]{36,}$`)

// MustOpsgenie sends an Opsgenie request and checks the 202 answer:
// exactly result, took and requestId, the id also in X-Request-ID, and the
// headers Opsgenie's SDKs read. It returns the request id.
func MustOpsgenie(tb testing.TB, a *API, method, path string, body []byte) string {
	tb.Helper()
	resp := a.Post(tb, method, path, genie(genieKey), body)
	var got map[string]any
	if err := json.Unmarshal(resp.Body, &got); err != nil || resp.Status != http.StatusAccepted || len(got) != 3 ||
		got["result"] != "Request will be processed" {
		tb.Fatalf("%s %s: %d %s, want 202 {result, took, requestId}", method, path, resp.Status, resp.Body)
	}
	if _, ok := got["took"].(float64); !ok {
		tb.Errorf("took=%v, want seconds as a number", got["took"])
	}
	id, _ := got["requestId"].(string)
	if !requestIDs.MatchString(id) || resp.Header.Get("X-Request-ID") != id {
		tb.Errorf("requestId=%v X-Request-ID=%q, want one request id", got["requestId"], resp.Header.Get("X-Request-ID"))
	}
	if resp.Header.Get("X-Response-Time") == "" || resp.Header.Get("X-RateLimit-State") != "OK" {
		tb.Errorf("headers %v, want X-Response-Time and X-RateLimit-State: OK", resp.Header)
	}
	return id
}

// AssertOpsgenieError checks Opsgenie's error shape {message, took,
// requestId} with status and a message that says msg.
func AssertOpsgenieError(tb testing.TB, resp Response, status int, msg string) {
	tb.Helper()
	var got map[string]any
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		tb.Fatalf("body %s: %v", resp.Body, err)
	}
	m, _ := got["message"].(string)
	if _, took := got["took"].(float64); resp.Status != status || len(got) != 3 || !took || got["requestId"] == nil || !strings.Contains(m, msg) {
		tb.Errorf("answer %d %s, want %d {message, took, requestId} saying %q", resp.Status, resp.Body, status, msg)
	}
}

// timelineOf returns the kinds and notes of a ticket's timeline.
func timelineOf(tk wire.Ticket) (kinds, notes []string) {
	for _, e := range tk.Timeline {
		kinds = append(kinds, e.Kind)
		if e.Note != "" {
			notes = append(notes, e.Note)
		}
	}
	return kinds, notes
}

// Ensure an alert's life through the Alert API, by alias as Alertmanager
// and Grafana address it: created with its note, the same create again
// counted (Opsgenie counts it too), acknowledged, noted, revised, closed
// with its note.
func TestOpsgenie_byAlias(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	create := intaketest.Event(t, "opsgenie/create.json")
	const alias = "/v2/alerts/vpn-gw-fra-2-hq/"
	MustOpsgenie(t, a.API, "POST", "/v2/alerts", create)
	MustOpsgenie(t, a.API, "POST", "/v2/alerts", create) // byte for byte the same: a repeat
	MustOpsgenie(t, a.API, "POST", alias+"acknowledge?identifierType=alias", intaketest.Event(t, "opsgenie/acknowledge.json"))
	MustOpsgenie(t, a.API, "POST", alias+"notes?identifierType=alias", intaketest.Event(t, "opsgenie/note.json"))
	MustOpsgenie(t, a.API, "PUT", alias+"message?identifierType=alias", []byte(`{"message": "VPN gateway gw-fra-2 tunnels to HQ and DR down"}`))
	MustOpsgenie(t, a.API, "PUT", alias+"description?identifierType=alias", []byte(`{}`))
	MustOpsgenie(t, a.API, "POST", alias+"close?identifierType=alias", intaketest.Event(t, "opsgenie/close.json"))

	list := a.MustList(t, "/v1/tickets")
	if len(list) != 1 {
		t.Fatalf("%d tickets, want 1", len(list))
	}
	tk := a.MustGet(t, list[0].ID)
	if tk.Integration != "netwatch" || tk.DedupKey != "vpn-gw-fra-2-hq" || tk.Occurrences != 2 || tk.Priority != "P2" ||
		tk.Title != "VPN gateway gw-fra-2 tunnels to HQ and DR down" || tk.Status != "resolved" || tk.Resolution != "tunnel re-established" ||
		tk.Description != "IPsec SA renegotiation failing since 02:10 UTC; 40 remote users affected." || tk.Labels["site"] != "fra" {
		t.Errorf("ticket %+v", tk)
	}
	kinds, notes := timelineOf(tk)
	want := "auto-created by netwatch|on-call network engineer paged|peer 198.51.100.20 answers ping again; SA still down|tunnel re-established"
	if strings.Join(notes, "|") != want || !strings.Contains(strings.Join(kinds, ","), "acknowledged") {
		t.Errorf("timeline %v notes %q, want the acknowledgement and notes %q", kinds, notes, want)
	}
	// Ensure acting on an alias with no alert is accepted and does nothing, as Opsgenie's queue would.
	before := a.MustSnapshot(t)
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/never-seen/close?identifierType=alias", nil)
	a.AssertUnchanged(t, before)
}

// Ensure the default identifierType, id, takes a tierline ticket id, and an
// action the ticket is already past is accepted (Opsgenie is asynchronous).
func TestOpsgenie_byID(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	MustOpsgenie(t, a.API, "POST", "/v2/alerts", []byte(`{"message": "Badge reader lobby offline", "priority": "P4"}`))
	id := a.MustList(t, "/v1/tickets")[0].ID
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/"+id+"/acknowledge", []byte(`{"note": "facilities called"}`))
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/"+id+"/acknowledge?identifierType=id", nil)
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/"+id+"/notes?identifierType=id", []byte(`{"note": "power cycled"}`))
	MustOpsgenie(t, a.API, "PUT", "/v2/alerts/"+id+"/description", []byte(`{"description": "door stays locked"}`))
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/"+id+"/close", nil)
	MustOpsgenie(t, a.API, "POST", "/v2/alerts/"+id+"/close", nil)
	tk := a.MustGet(t, id)
	_, notes := timelineOf(tk)
	if tk.Status != "resolved" || tk.Resolution != "closed by netwatch" || tk.Description != "door stays locked" || tk.DedupKey != "Badge reader lobby offline" ||
		strings.Join(notes, "|") != "facilities called|power cycled|closed by netwatch" {
		t.Errorf("ticket status=%s resolution=%q description=%q key=%q notes=%q", tk.Status, tk.Resolution, tk.Description, tk.DedupKey, notes)
	}
}

// Ensure every refusal is in Opsgenie's error shape with the status of the
// one table, and stores nothing.
func TestOpsgenie_refused(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	// A ticket of another opsgenie integration: its id is no business of netwatch's.
	resp := a.Post(t, "POST", "/v2/alerts", genie(otherGenieKey), []byte(`{"message": "not yours"}`))
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create as other-genie: %d %s", resp.Status, resp.Body)
	}
	other := a.MustList(t, "/v1/tickets")[0].ID
	before := a.MustSnapshot(t)
	create := intaketest.Event(t, "opsgenie/create.json")
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    []byte
		status  int
		msg     string
	}{
		{name: "no_key", method: "POST", path: "/v2/alerts", headers: map[string]string{"Content-Type": "application/json"}, body: create,
			status: 401, msg: "Authorization: GenieKey"},
		{name: "wrong_key", method: "POST", path: "/v2/alerts", headers: genie("guessed-genie-key"), body: create,
			status: 401, msg: "not the token"},
		{name: "routing_key_is_no_genie_key", method: "POST", path: "/v2/alerts", headers: genie(routingKey), body: create,
			status: 401, msg: "not the token"},
		{name: "bearer_scheme", method: "POST", path: "/v2/alerts", headers: jsonHeaders(genieKey), body: create,
			status: 401, msg: "GenieKey"},
		{name: "wrong_key_on_action", method: "POST", path: "/v2/alerts/x/close?identifierType=alias", headers: genie("nope"),
			status: 401, msg: "GenieKey"},
		{name: "no_message", method: "POST", path: "/v2/alerts", headers: genie(genieKey), body: []byte(`{"alias": "a"}`),
			status: 422, msg: "message is required"},
		{name: "bad_priority", method: "POST", path: "/v2/alerts", headers: genie(genieKey), body: []byte(`{"message": "m", "priority": "urgent"}`),
			status: 422, msg: "P1, P2"},
		{name: "not_json", method: "POST", path: "/v2/alerts", headers: genie(genieKey), body: []byte(`{"message": `),
			status: 400, msg: "not valid JSON"},
		{name: "tiny_id_of_opsgenie", method: "POST", path: "/v2/alerts/42/close?identifierType=tiny", headers: genie(genieKey),
			status: 404, msg: "not found"},
		{name: "unknown_identifier_type", method: "POST", path: "/v2/alerts/42/close?identifierType=name", headers: genie(genieKey),
			status: 422, msg: "alias, or id"},
		{name: "unknown_id", method: "POST", path: "/v2/alerts/0c7g2m4x9k3t1p/close", headers: genie(genieKey),
			status: 404, msg: "not found"},
		{name: "opsgenie_uuid_id", method: "POST", path: "/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/acknowledge", headers: genie(genieKey),
			status: 404, msg: "not found"},
		{name: "other_integrations_ticket", method: "POST", path: "/v2/alerts/" + other + "/close", headers: genie(genieKey),
			status: 404, msg: "not found"},
		{name: "note_without_note", method: "POST", path: "/v2/alerts/a/notes?identifierType=alias", headers: genie(genieKey), body: []byte(`{}`),
			status: 422, msg: "note is required"},
		{name: "unsupported_action", method: "POST", path: "/v2/alerts/a/snooze?identifierType=alias", headers: genie(genieKey), body: []byte(`{"endTime": "2026-01-01T00:00:00Z"}`),
			status: 404, msg: "close, acknowledge, notes"},
		{name: "put_close", method: "PUT", path: "/v2/alerts/a/close?identifierType=alias", headers: genie(genieKey),
			status: 405, msg: "with POST"},
		{name: "post_message", method: "POST", path: "/v2/alerts/a/message?identifierType=alias", headers: genie(genieKey), body: []byte(`{"message": "m"}`),
			status: 405, msg: "with PUT"},
		{name: "too_large", method: "POST", path: "/v2/alerts", headers: genie(genieKey), body: []byte(`{"message": "` + strings.Repeat("m", 2<<20) + `"}`),
			status: 413, msg: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AssertOpsgenieError(t, a.Post(t, tt.method, tt.path, tt.headers, tt.body), tt.status, tt.msg)
		})
	}
	a.AssertUnchanged(t, before)
	// Ensure a method the path has no route for is answered 405 with the methods allowed.
	resp = a.Post(t, "DELETE", "/v2/alerts/a/close", genie(genieKey), nil)
	if resp.Status != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST, PUT, GET, HEAD" {
		t.Errorf("DELETE: %d Allow=%q, want 405 POST, PUT, GET, HEAD", resp.Status, resp.Header.Get("Allow"))
	}
}

// Ensure a store failure is 503 with Retry-After, which Opsgenie clients
// retry, in Opsgenie's shape.
func TestOpsgenie_storeUnavailable(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	dropTables(t, a.DB)
	resp := a.Post(t, "POST", "/v2/alerts", genie(genieKey), intaketest.Event(t, "opsgenie/create.json"))
	AssertOpsgenieError(t, resp, http.StatusServiceUnavailable, "unavailable")
	if resp.Header.Get("Retry-After") == "" || strings.Contains(string(resp.Body), "no such table") {
		t.Errorf("answer %v %s, want Retry-After and no detail", resp.Header, resp.Body)
	}
}
