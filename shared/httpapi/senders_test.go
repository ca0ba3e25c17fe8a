package httpapi_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake/intaketest"
)

// step is one delivery of a sender's life, with the outcomes it must get.
type step struct {
	name     string
	path     string
	headers  func(body []byte) map[string]string
	body     []byte
	outcomes []string
}

// runSteps posts each step, a second apart, and checks its outcomes. The
// tickets of each step's results must be those of the first step that
// made tickets, unless the outcome is created or ignored. It returns that
// step's ticket ids.
func runSteps(t *testing.T, a *API, steps []step) []string {
	t.Helper()
	var first []string
	for _, st := range steps {
		a.Clock.Add(time.Second)
		res := MustResults(t, a.Post(t, "POST", st.path, st.headers(st.body), st.body))
		if got := Outcomes(res); !slices.Equal(got, st.outcomes) {
			t.Fatalf("%s: outcomes %v, want %v", st.name, got, st.outcomes)
		}
		if first == nil && len(res) > 0 && res[0].TicketID != "" {
			for _, r := range res {
				first = append(first, r.TicketID)
			}
			continue
		}
		for i, r := range res {
			if r.Outcome != "created" && r.Outcome != "ignored" && i < len(first) && r.TicketID != first[i] {
				t.Errorf("%s: result %d ticket %q, want %q", st.name, i, r.TicketID, first[i])
			}
		}
	}
	return first
}

// Ensure Alertmanager's notifications of one group become one ticket:
// created, counted when resent (repeat_interval), resolved with the group.
func TestHook_alertmanager(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	h := func([]byte) map[string]string { return jsonHeaders(amToken) }
	firing, resolved := intaketest.Event(t, "alertmanager/firing.json"), intaketest.Event(t, "alertmanager/resolved.json")
	ids := runSteps(t, a.API, []step{
		{name: "firing", path: "/v1/hooks/prometheus", headers: h, body: firing, outcomes: []string{"created"}},
		{name: "resent", path: "/v1/hooks/prometheus", headers: h, body: firing, outcomes: []string{"occurrence"}},
		{name: "resolved", path: "/v1/hooks/prometheus", headers: h, body: resolved, outcomes: []string{"resolved"}},
	})
	tk := a.MustGet(t, ids[0])
	if tk.Status != "resolved" || tk.Occurrences != 2 || tk.Title != "VolumeAlmostFull: 2 of 2 alerts firing" || tk.Priority != "P3" ||
		tk.DedupKey != `{}/{team="storage"}:{alertname="VolumeAlmostFull"}` || len(tk.Details["alerts"].([]any)) != 2 {
		t.Errorf("ticket %+v", tk)
	}
	// Ensure grouping "alert" files one ticket per fingerprint, each resolved by its own status.
	ids = runSteps(t, a.API, []step{
		{name: "by_alert_firing", path: "/v1/hooks/prometheus-alerts", headers: h, body: firing, outcomes: []string{"created", "created"}},
		{name: "by_alert_resolved", path: "/v1/hooks/prometheus-alerts", headers: h, body: resolved, outcomes: []string{"resolved", "resolved"}},
	})
	if tk := a.MustGet(t, ids[1]); tk.DedupKey != "a04f6c2e91b8d3e7" || tk.Labels["mount"] != "/var" {
		t.Errorf("second alert's ticket %+v", tk)
	}
}

// Ensure Grafana's signed notifications open and resolve a ticket, with
// the route of its critical severity.
func TestHook_grafana(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	h := func(b []byte) map[string]string { return grafanaHeaders(a.Clock.Now(), b) }
	ids := runSteps(t, a.API, []step{
		{name: "firing", path: "/v1/hooks/grafana", headers: h, body: intaketest.Event(t, "grafana/firing.json"), outcomes: []string{"created"}},
		{name: "resent", path: "/v1/hooks/grafana", headers: h, body: intaketest.Event(t, "grafana/firing.json"), outcomes: []string{"occurrence"}},
		{name: "resolved", path: "/v1/hooks/grafana", headers: h, body: intaketest.Event(t, "grafana/resolved.json"), outcomes: []string{"resolved"}},
	})
	if tk := a.MustGet(t, ids[0]); tk.Tier != "L2" || tk.Priority != "P1" || tk.Status != "resolved" || tk.Title != "checkout p95 above 1.5s" {
		t.Errorf("ticket tier=%s priority=%s status=%s title=%q, want L2 P1 resolved", tk.Tier, tk.Priority, tk.Status, tk.Title)
	}
}

// Ensure CloudWatch through SNS: the subscription is confirmed, an alarm
// opens a ticket keyed by its ARN, SNS's redelivery of it counts once, OK
// resolves, and INSUFFICIENT_DATA does what the integration says.
func TestHook_sns(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	sign := func(rel string) []byte { return a.SNS.Sign(t, intaketest.Event(t, rel)) }
	alarm := sign("sns/alarm.json")
	ids := runSteps(t, a.API, []step{
		{name: "subscribe", path: snsPath("cloudwatch"), headers: snsHeaders, body: sign("sns/subscription-confirmation.json"), outcomes: []string{"ignored"}},
		{name: "alarm", path: snsPath("cloudwatch"), headers: snsHeaders, body: alarm, outcomes: []string{"created"}},
		{name: "redelivered", path: snsPath("cloudwatch"), headers: snsHeaders, body: alarm, outcomes: []string{"duplicate"}},
		{name: "ok", path: snsPath("cloudwatch"), headers: snsHeaders, body: sign("sns/ok.json"), outcomes: []string{"resolved"}},
		{name: "alarm_redelivered_after_ok", path: snsPath("cloudwatch"), headers: snsHeaders, body: alarm, outcomes: []string{"duplicate"}},
		{name: "insufficient_data_ignored", path: snsPath("cloudwatch"), headers: snsHeaders, body: sign("sns/insufficient-data.json"), outcomes: []string{"ignored"}},
	})
	if c := a.SNS.Confirmed(); len(c) != 1 {
		t.Errorf("confirmations %q, want 1", c)
	}
	tk := a.MustGet(t, ids[0])
	if tk.Status != "resolved" || tk.Occurrences != 1 || tk.DedupKey != "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:orders-db-cpu-high" || tk.Priority != "P2" {
		t.Errorf("ticket status=%s occurrences=%d key=%q priority=%s", tk.Status, tk.Occurrences, tk.DedupKey, tk.Priority)
	}
	if all := a.MustList(t, "/v1/tickets"); len(all) != 1 {
		t.Errorf("%d tickets, want 1", len(all))
	}
	// Ensure an integration that triggers on INSUFFICIENT_DATA opens a ticket for it.
	res := MustResults(t, a.Post(t, "POST", snsPath("cloudwatch-nodata"), snsHeaders(nil), sign("sns/insufficient-data.json")))
	if got := Outcomes(res); !slices.Equal(got, []string{"created"}) {
		t.Errorf("insufficient data with trigger: %v, want created", got)
	}
	if tk := a.MustGet(t, res[0].TicketID); tk.Priority != "P2" || tk.Integration != "cloudwatch-nodata" {
		t.Errorf("ticket priority=%s integration=%s", tk.Priority, tk.Integration)
	}
}

// Ensure Datadog's template, JSON or form: a retry of one notification
// ($ID) counts once, the next notification of the cycle is an occurrence,
// Recovered resolves.
func TestHook_datadog(t *testing.T) {
	t.Parallel()
	for _, enc := range []string{"json", "form"} {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			a := MustOpenSenders(t)
			ct, body := "application/json", func(b []byte) []byte { return b }
			if enc == "form" {
				ct, body = "application/x-www-form-urlencoded", formBody
			}
			h := func([]byte) map[string]string {
				return map[string]string{"Authorization": "Bearer " + ddToken, "Content-Type": ct}
			}
			triggered := intaketest.Event(t, "datadog/triggered.json")
			renotify := strings.Replace(string(triggered), `"id": "7741205583316602991"`, `"id": "7741205583318800004"`, 1)
			ids := runSteps(t, a.API, []step{
				{name: "triggered", path: "/v1/hooks/datadog", headers: h, body: body(triggered), outcomes: []string{"created"}},
				{name: "retried", path: "/v1/hooks/datadog", headers: h, body: body(triggered), outcomes: []string{"duplicate"}},
				{name: "renotify", path: "/v1/hooks/datadog", headers: h, body: body([]byte(renotify)), outcomes: []string{"occurrence"}},
				{name: "recovered", path: "/v1/hooks/datadog", headers: h, body: body(intaketest.Event(t, "datadog/recovered.json")), outcomes: []string{"resolved"}},
			})
			if tk := a.MustGet(t, ids[0]); tk.Occurrences != 2 || tk.Priority != "P2" || tk.Title != "SMTP queue > 500" || tk.Status != "resolved" {
				t.Errorf("ticket occurrences=%d priority=%s title=%q status=%s", tk.Occurrences, tk.Priority, tk.Title, tk.Status)
			}
		})
	}
}

// formBody encodes a JSON object of strings as a form, as Datadog's Encode
// as form does.
func formBody(b []byte) []byte {
	var m map[string]string
	json.Unmarshal(b, &m)
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return []byte(v.Encode())
}

// Ensure a generic integration with a mapping and a signature reads the
// sender's own format.
func TestHook_genericMapped(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	h := func(b []byte) map[string]string {
		return signed(jsonHeaders(scadaToken), scadaSecret, a.Clock.Now(), "X-Scada-Signature", "X-Scada-Time", b)
	}
	alarm := []byte(`{"alarm": {"text": "Pump 3 pressure low", "tag": "PU3.PT01", "class": "critical", "state": "firing"}}`)
	ids := runSteps(t, a.API, []step{
		{name: "alarm", path: "/v1/hooks/scada", headers: h, body: alarm, outcomes: []string{"created"}},
		{name: "repeat", path: "/v1/hooks/scada", headers: h, body: alarm, outcomes: []string{"occurrence"}},
		{name: "cleared", path: "/v1/hooks/scada", headers: h, body: []byte(`{"alarm": {"tag": "PU3.PT01", "state": "ok"}}`), outcomes: []string{"resolved"}},
	})
	if tk := a.MustGet(t, ids[0]); tk.Title != "Pump 3 pressure low" || tk.DedupKey != "PU3.PT01" || tk.Tier != "L2" || tk.Status != "resolved" {
		t.Errorf("ticket title=%q key=%q tier=%s status=%s", tk.Title, tk.DedupKey, tk.Tier, tk.Status)
	}
	// Ensure an action word the mapping reads but tierline does not know is refused, naming the actions.
	before := a.MustSnapshot(t)
	clear := []byte(`{"alarm": {"tag": "PU3.PT01", "state": "cleared"}}`)
	AssertError(t, a.Post(t, "POST", "/v1/hooks/scada", h(clear), clear), 422, "invalid", "trigger, acknowledge or resolve")
	a.AssertUnchanged(t, before)
}
