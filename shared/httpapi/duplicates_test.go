package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/intake/intaketest"
)

// twice returns body with the member "name": value added right after its
// opening brace, so that the member is there twice (or, for a name in
// another case, in two spellings).
func twice(body []byte, name, value string) []byte {
	s := strings.TrimSpace(string(body))
	return []byte(`{"` + name + `": ` + value + `, ` + s[1:])
}

// Ensure a JSON body with a member sent twice is refused with 400 and a
// message naming the member, wherever tierline reads a sender's JSON, and
// stores nothing: encoding/json would keep the last, another reader the
// first, so neither may be trusted.
func TestDuplicateMembers_senders(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	trigger := intaketest.Event(t, "pagerduty/trigger.json")
	create := intaketest.Event(t, "opsgenie/create.json")
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    []byte
		member  string
	}{
		{name: "generic_dedup_key", path: "/v1/hooks/monitor", headers: jsonHeaders(hookToken),
			body: []byte(`{"title": "disk full", "dedup_key": "a", "dedup_key": "b"}`), member: "dedup_key"},
		{name: "generic_case_variant", path: "/v1/hooks/monitor", headers: jsonHeaders(hookToken),
			body: []byte(`{"title": "disk full", "dedup_key": "a", "Dedup_Key": "b"}`), member: "dedup_key"},
		{name: "generic_list", path: "/v1/hooks/monitor", headers: jsonHeaders(hookToken),
			body: []byte(`[{"title": "a"}, {"title": "b", "action": "trigger", "action": "resolve"}]`), member: "[1].action"},
		{name: "generic_mapped", path: "/v1/hooks/scada", headers: signed(jsonHeaders(scadaToken), scadaSecret, a.Clock.Now(), "X-Scada-Signature", "X-Scada-Time",
			[]byte(`{"alarm": {"text": "Pump 3", "tag": "PU3", "tag": "PU4"}}`)),
			body: []byte(`{"alarm": {"text": "Pump 3", "tag": "PU3", "tag": "PU4"}}`), member: "alarm.tag"},
		{name: "alertmanager_group_key", path: "/v1/hooks/prometheus", headers: jsonHeaders(amToken),
			body: twice(intaketest.Event(t, "alertmanager/firing.json"), "groupKey", `"{}:{alertname=\"other\"}"`), member: "groupKey"},
		{name: "datadog_cycle_key", path: "/v1/hooks/datadog", headers: jsonHeaders(ddToken),
			body: twice(intaketest.Event(t, "datadog/triggered.json"), "cycle_key", `"1"`), member: "cycle_key"},
		{name: "datadog_form", path: "/v1/hooks/datadog", headers: map[string]string{"Authorization": "Bearer " + ddToken, "Content-Type": "application/x-www-form-urlencoded"},
			body: []byte("title=t&cycle_key=1&transition=Triggered&cycle_key=2"), member: "cycle_key"},
		{name: "pagerduty_routing_key", path: "/v2/enqueue", headers: pdHeaders,
			body: twice(trigger, "routing_key", `"`+routingKey+`"`), member: "routing_key"},
		{name: "pagerduty_routing_key_unknown_first", path: "/v2/enqueue", headers: pdHeaders,
			body: twice(trigger, "routing_key", `"R0ULES3TK3Y0000000000000000000000"`), member: "routing_key"},
		{name: "pagerduty_dedup_key", path: "/v2/enqueue", headers: pdHeaders,
			body: twice(trigger, "dedup_key", `"other"`), member: "dedup_key"},
		{name: "pagerduty_nested", path: "/v2/enqueue", headers: pdHeaders,
			body:   []byte(`{"routing_key": "` + routingKey + `", "event_action": "trigger", "payload": {"summary": "s", "source": "h", "severity": "info", "severity": "critical"}}`),
			member: "payload.severity"},
		{name: "pagerduty_change", path: "/v2/change/enqueue", headers: pdHeaders,
			body: twice(intaketest.Event(t, "pagerduty/change.json"), "routing_key", `"`+routingKey+`"`), member: "routing_key"},
		{name: "opsgenie_alias", path: "/v2/alerts", headers: genie(genieKey),
			body: twice(create, "alias", `"other"`), member: "alias"},
		{name: "opsgenie_action_note", path: "/v2/alerts/vpn-gw-fra-2-hq/close?identifierType=alias", headers: genie(genieKey),
			body: []byte(`{"note": "a", "note": "b"}`), member: "note"},
		{name: "opsgenie_update", method: "PUT", path: "/v2/alerts/vpn-gw-fra-2-hq/message?identifierType=alias", headers: genie(genieKey),
			body: []byte(`{"message": "a", "Message": "b"}`), member: "message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "POST"
			}
			resp := a.Post(t, method, tt.path, tt.headers, tt.body)
			if resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), `\"`+tt.member+`\" is sent twice`) {
				t.Errorf("answer %d %s, want 400 naming %q", resp.Status, resp.Body, tt.member)
			}
		})
	}
	a.AssertUnchanged(t, Snapshot{})
}

// Ensure the ticket API and the forms refuse a duplicated member too: the
// actor and the assignee are identities, a form's fields are what the
// requester said.
func TestDuplicateMembers_ticketsAndForms(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	id := a.MustCreate(t, "disk full")
	before := a.MustSnapshot(t)
	resp := a.Call(t, "POST", "/v1/tickets/"+id+"/assign", `{"assignee": "ann", "assignee": "bob"}`)
	AssertError(t, resp, http.StatusBadRequest, "malformed", `"assignee" is sent twice`)
	resp = a.Call(t, "POST", "/v1/tickets/"+id+"/notes", `{"note": "n", "actor": "ann", "Actor": "bob"}`)
	AssertError(t, resp, http.StatusBadRequest, "malformed", `"actor" is sent twice, as "actor" and "Actor"`)
	body := `{"name": "Ann", "email": "ann@example.com", "email": "boss@example.com", "category": "password", "subject": "locked out"}`
	resp = a.Send(t, "POST", "/forms/it-help", fetchJSON(), body)
	AssertError(t, resp, http.StatusBadRequest, "malformed", `"email" is sent twice`)
	a.AssertUnchanged(t, before)
}
