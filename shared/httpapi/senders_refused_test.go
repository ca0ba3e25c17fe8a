package httpapi_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake/intaketest"
)

// Ensure every way a sender's hook is refused gets the status the README
// names, in the API's error shape with a message that says what to fix,
// and stores nothing.
func TestHook_sendersRefused(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	forger := intaketest.NewSNS(t)
	now := a.Clock.Now()
	firing := intaketest.Event(t, "alertmanager/firing.json")
	grafana := intaketest.Event(t, "grafana/firing.json")
	alarm := intaketest.Event(t, "sns/alarm.json")
	snsEdit := func(rel string, fields map[string]string) []byte {
		var m map[string]any
		json.Unmarshal(intaketest.Event(t, rel), &m)
		for k, v := range fields {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return a.SNS.Sign(t, b)
	}
	scada := []byte(`{"alarm": {"text": "Pump 3 pressure low", "tag": "PU3.PT01"}}`)
	tests := []struct {
		name    string
		path    string
		headers map[string]string
		body    []byte
		status  int
		code    string
		msg     string
	}{
		// Alertmanager.
		{name: "alertmanager_no_token", path: "/v1/hooks/prometheus", headers: map[string]string{"Content-Type": "application/json"}, body: firing,
			status: 401, code: "unauthorized", msg: "Authorization: Bearer"},
		{name: "alertmanager_wrong_token", path: "/v1/hooks/prometheus", headers: jsonHeaders(grafanaToken), body: firing,
			status: 401, code: "unauthorized", msg: "not the token"},
		{name: "alertmanager_malformed", path: "/v1/hooks/prometheus", headers: jsonHeaders(amToken), body: firing[:40],
			status: 400, code: "malformed", msg: "not valid JSON"},
		{name: "alertmanager_custom_payload", path: "/v1/hooks/prometheus", headers: jsonHeaders(amToken), body: []byte(`{"text": "disk full"}`),
			status: 422, code: "invalid", msg: "custom payload template"},
		{name: "alertmanager_text_plain", path: "/v1/hooks/prometheus", headers: map[string]string{"Authorization": "Bearer " + amToken, "Content-Type": "text/plain"}, body: firing,
			status: 415, code: "unsupported_media_type", msg: "application/json"},
		// Grafana, which signs.
		{name: "grafana_unsigned", path: "/v1/hooks/grafana", headers: jsonHeaders(grafanaToken), body: grafana,
			status: 401, code: "unauthorized", msg: "X-Grafana-Alerting-Signature"},
		{name: "grafana_bad_hmac", path: "/v1/hooks/grafana", headers: signed(jsonHeaders(grafanaToken), "not-the-grafana-secret", now,
			"X-Grafana-Alerting-Signature", "X-Grafana-Alerting-Timestamp", grafana), body: grafana, status: 401, code: "unauthorized", msg: "does not match"},
		{name: "grafana_stale_timestamp", path: "/v1/hooks/grafana", headers: grafanaHeaders(now.Add(-10*time.Minute), grafana), body: grafana,
			status: 401, code: "unauthorized", msg: "from the clock"},
		{name: "grafana_signed_without_token", path: "/v1/hooks/grafana", headers: func() map[string]string {
			h := grafanaHeaders(now, grafana)
			delete(h, "Authorization")
			return h
		}(), body: grafana, status: 401, code: "unauthorized", msg: "Authorization: Bearer"},
		// SNS.
		{name: "sns_no_token", path: "/v1/hooks/cloudwatch", headers: snsHeaders(alarm), body: a.SNS.Sign(t, alarm),
			status: 401, code: "unauthorized", msg: "?token="},
		{name: "sns_wrong_token", path: "/v1/hooks/cloudwatch?token=guess", headers: snsHeaders(alarm), body: a.SNS.Sign(t, alarm),
			status: 401, code: "unauthorized", msg: "not the token"},
		{name: "sns_bad_signature", path: snsPath("cloudwatch"), headers: snsHeaders(alarm), body: forger.Sign(t, alarm),
			status: 401, code: "unauthorized", msg: "does not verify"},
		{name: "sns_forged_subscription", path: snsPath("cloudwatch"), headers: snsHeaders(nil), body: forger.Sign(t, intaketest.Event(t, "sns/subscription-confirmation.json")),
			status: 401, code: "unauthorized", msg: "does not verify"},
		{name: "sns_unsigned", path: snsPath("cloudwatch"), headers: snsHeaders(alarm), body: alarm,
			status: 401, code: "unauthorized", msg: "not signed"},
		{name: "sns_wrong_cert_host", path: snsPath("cloudwatch"), headers: snsHeaders(alarm),
			body:   snsEdit("sns/alarm.json", map[string]string{"SigningCertURL": "https://certs.example.test/SimpleNotificationService.pem"}),
			status: 401, code: "unauthorized", msg: "not on an SNS host"},
		{name: "sns_topic_not_allowed", path: snsPath("cloudwatch"), headers: snsHeaders(alarm),
			body:   snsEdit("sns/alarm.json", map[string]string{"TopicArn": "arn:aws:sns:eu-west-1:210987654321:someone-elses"}),
			status: 403, code: "forbidden", msg: "add it to the integration's topics"},
		{name: "sns_not_an_alarm", path: snsPath("cloudwatch"), headers: snsHeaders(alarm),
			body:   snsEdit("sns/alarm.json", map[string]string{"Message": "hello"}),
			status: 422, code: "invalid", msg: "not a CloudWatch alarm"},
		{name: "sns_malformed", path: snsPath("cloudwatch"), headers: snsHeaders(alarm), body: alarm[:30],
			status: 400, code: "malformed", msg: "not valid JSON"},
		// Datadog.
		{name: "datadog_default_payload", path: "/v1/hooks/datadog", headers: jsonHeaders(ddToken),
			body:   []byte(`{"body": "b", "title": "t", "id": "1", "event_type": "metric_alert_monitor"}`),
			status: 422, code: "invalid", msg: "$ALERT_CYCLE_KEY"},
		{name: "datadog_xml", path: "/v1/hooks/datadog", headers: map[string]string{"Authorization": "Bearer " + ddToken, "Content-Type": "application/xml"},
			body: []byte(`<a/>`), status: 415, code: "unsupported_media_type", msg: "x-www-form-urlencoded"},
		// A generic sender that signs.
		{name: "generic_unsigned", path: "/v1/hooks/scada", headers: jsonHeaders(scadaToken), body: scada,
			status: 401, code: "unauthorized", msg: "X-Scada-Signature"},
		{name: "generic_stale", path: "/v1/hooks/scada", headers: signed(jsonHeaders(scadaToken), scadaSecret, now.Add(3*time.Minute),
			"X-Scada-Signature", "X-Scada-Time", scada), body: scada, status: 401, code: "unauthorized", msg: "more than 2m0s"},
		{name: "generic_bad_hmac", path: "/v1/hooks/scada", headers: signed(jsonHeaders(scadaToken), grafanaSecret, now,
			"X-Scada-Signature", "X-Scada-Time", scada), body: scada, status: 401, code: "unauthorized", msg: "does not match"},
		// The drop-ins have routes of their own.
		{name: "pagerduty_on_hook", path: "/v1/hooks/printers", headers: jsonHeaders(routingKey), body: intaketest.Event(t, "pagerduty/trigger.json"),
			status: 404, code: "not_found", msg: "/v2/enqueue"},
		{name: "opsgenie_on_hook", path: "/v1/hooks/netwatch", headers: jsonHeaders(genieKey), body: intaketest.Event(t, "opsgenie/create.json"),
			status: 404, code: "not_found", msg: "/v2/alerts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.Post(t, "POST", tt.path, tt.headers, tt.body)
			AssertError(t, resp, tt.status, tt.code, tt.msg)
		})
	}
	a.AssertUnchanged(t, Snapshot{})
	if c := a.SNS.Confirmed(); len(c) != 0 {
		t.Errorf("confirmed %q, want no confirmation of a forged subscription", c)
	}
}

// Ensure SNS gets a 503 with Retry-After when its certificate cannot be
// fetched, so that it delivers again, and the retry succeeds.
func TestHook_snsCertificateUnavailable(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	alarm := a.SNS.Sign(t, intaketest.Event(t, "sns/alarm.json"))
	a.SNS.Fail(errors.New("dial tcp: i/o timeout"))
	resp := a.Post(t, "POST", snsPath("cloudwatch"), snsHeaders(alarm), alarm)
	AssertUnavailable(t, resp, "i/o timeout")
	a.AssertUnchanged(t, Snapshot{})
	a.SNS.Fail(nil)
	if got := Outcomes(MustResults(t, a.Post(t, "POST", snsPath("cloudwatch"), snsHeaders(alarm), alarm))); strings.Join(got, ",") != "created" {
		t.Errorf("retry: %v, want created", got)
	}
}
