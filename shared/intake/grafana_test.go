package intake_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure Grafana's notification becomes one ticket per group with
// Grafana's links, and per alert with grouping "alert".
func TestGrafana(t *testing.T) {
	t.Parallel()
	const key = `{}/{__grafana_receiver__="itsm-webhook"}:{alertname="API p95 latency"}`
	got := MustDecode(t, intake.Grafana, jsonRequest(intaketest.Event(t, "grafana/firing.json"), intake.Options{}))
	if len(got) != 1 {
		t.Fatalf("%d signals, want 1", len(got))
	}
	s := got[0]
	if s.Action != ticket.Trigger || s.DedupKey != key || s.Title != "checkout p95 above 1.5s" || s.Severity != "critical" ||
		s.Source != "checkout" || strings.TrimSpace(s.Description) != "**Firing**\n\nValue: A=1.87\nLabels:\n - alertname = API p95 latency\n - service = checkout" {
		t.Errorf("signal %+v", s)
	}
	hrefs := map[string]string{}
	for _, l := range s.Links {
		hrefs[l.Text] = l.Href
	}
	for text, href := range map[string]string{"grafana": "https://grafana.acme.test/", "runbook": "https://wiki.acme.test/rb/latency",
		"dashboard": "https://grafana.acme.test/d/api-latency", "panel": "https://grafana.acme.test/d/api-latency?viewPanel=4",
		"source": "https://grafana.acme.test/alerting/grafana/f7Qk2/view"} {
		if hrefs[text] != href {
			t.Errorf("link %q = %q, want %q (links %+v)", text, hrefs[text], href, s.Links)
		}
	}
	alert := s.Details["alerts"].([]any)[0].(map[string]any)
	if alert["rule_uid"] != "f7Qk2" || alert["values"].(map[string]any)["A"] != 1.87 {
		t.Errorf("alert details %v, want the rule and its values", alert)
	}
	byAlert := MustDecode(t, intake.Grafana, jsonRequest(intaketest.Event(t, "grafana/resolved.json"), intake.Options{Grouping: intake.ByAlert}))
	if len(byAlert) != 1 || byAlert[0].Action != ticket.Resolve || byAlert[0].DedupKey != "0d93c4e8a1f27b65" {
		t.Errorf("by alert: %+v, want the fingerprint resolved", byAlert)
	}
}

// Ensure Grafana's test notification (the Test button) decodes.
func TestGrafana_testButton(t *testing.T) {
	t.Parallel()
	body := []byte(`{"receiver": "test", "status": "firing", "orgId": 1, "version": "1", "groupKey": "test-0d93c4e8-1700000000",
		"alerts": [{"status": "firing", "labels": {"alertname": "TestAlert", "instance": "Grafana"},
		"annotations": {"summary": "Notification test"}, "startsAt": "2026-05-18T22:04:10Z", "endsAt": "0001-01-01T00:00:00Z"}]}`)
	s := MustDecode(t, intake.Grafana, jsonRequest(body, intake.Options{}))
	if len(s) != 1 || s[0].Title != "Notification test" || s[0].Source != "Grafana" {
		t.Errorf("signals %+v, want the test alert", s)
	}
}

func TestGrafana_errors(t *testing.T) {
	t.Parallel()
	// Ensure a custom payload template, which drops alerts, says what to remove.
	AssertCode(t, intake.Grafana, jsonRequest([]byte(`{"text": "hi"}`), intake.Options{}), ticket.Invalid, "custom payload template")
	// Ensure an empty alert list is refused.
	AssertCode(t, intake.Grafana, jsonRequest([]byte(`{"groupKey": "g", "alerts": []}`), intake.Options{}), ticket.Invalid, "alerts is empty")
}

// sign returns Grafana's signature of body, with ts when it is not empty.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	if ts != "" {
		mac.Write([]byte(ts + ":"))
	}
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Ensure an integration with a secret takes only requests it signed, in
// every variant Grafana sends, and refuses the rest as Unauthorized.
func TestGrafana_hmac(t *testing.T) {
	t.Parallel()
	const secret = "c0ffee-and-0123456789"
	body := intaketest.Event(t, "grafana/firing.json")
	now := time.Date(2026, 5, 18, 22, 4, 11, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	plain := &intake.HMAC{Secret: []byte(secret)}
	stamped := &intake.HMAC{Secret: []byte(secret), TimestampHeader: "X-Grafana-Alerting-Timestamp", Window: time.Minute}
	custom := &intake.HMAC{Secret: []byte(secret), Header: "X-Hub-Sig"}
	tests := []struct {
		name    string
		h       *intake.HMAC
		headers map[string]string
		body    []byte // default: body
		ok      bool
		msg     string
	}{
		// Ensure the documented header with a signature of the body passes.
		{name: "body_signed", h: plain, headers: map[string]string{"X-Grafana-Alerting-Signature": sign(secret, "", body)}, ok: true},
		// Ensure the header grafana/alerting's code defaults to passes too.
		{name: "code_default_header", h: plain, headers: map[string]string{"X-Grafana-Alert-Signature": sign(secret, "", body)}, ok: true},
		// Ensure upper-case hex is read.
		{name: "upper_case_hex", h: plain, headers: map[string]string{"X-Grafana-Alerting-Signature": upper(sign(secret, "", body))}, ok: true},
		// Ensure "timestamp:body" signed with a fresh timestamp passes.
		{name: "timestamp_signed", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Timestamp": ts,
			"X-Grafana-Alerting-Signature": sign(secret, ts, body)}, ok: true},
		// Ensure a configured header is the only one read.
		{name: "custom_header", h: custom, headers: map[string]string{"X-Hub-Sig": sign(secret, "", body)}, ok: true},
		{name: "custom_header_ignores_default", h: custom, headers: map[string]string{"X-Grafana-Alerting-Signature": sign(secret, "", body)},
			msg: "send the signature in X-Hub-Sig"},
		// Ensure a request without a signature is refused, naming the header.
		{name: "missing", h: plain, msg: "send the signature in X-Grafana-Alerting-Signature"},
		// Ensure a signature that is not hex is refused.
		{name: "not_hex", h: plain, headers: map[string]string{"X-Grafana-Alerting-Signature": "sha256=zz"}, msg: "not hex"},
		// Ensure another secret's signature is refused.
		{name: "wrong_secret", h: plain, headers: map[string]string{"X-Grafana-Alerting-Signature": sign("another-secret-entirely", "", body)},
			msg: "does not match"},
		// Ensure a changed body is refused.
		{name: "body_changed", h: plain, headers: map[string]string{"X-Grafana-Alerting-Signature": sign(secret, "", body)},
			body: append([]byte(" "), body...), msg: "does not match"},
		// Ensure a body signature is refused when the timestamp must be signed too.
		{name: "timestamp_not_signed", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Timestamp": ts,
			"X-Grafana-Alerting-Signature": sign(secret, "", body)}, msg: "timestamp:body"},
		// Ensure a missing timestamp is refused, naming its header.
		{name: "timestamp_missing", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Signature": sign(secret, ts, body)},
			msg: "send the time of signing in X-Grafana-Alerting-Timestamp"},
		// Ensure a stale timestamp, rightly signed, is a replay.
		{name: "timestamp_stale", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Timestamp": "1779141000",
			"X-Grafana-Alerting-Signature": sign(secret, "1779141000", body)}, msg: "more than 1m0s from the clock"},
		// Ensure a timestamp from the future is refused as well.
		{name: "timestamp_future", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Timestamp": "1779142000",
			"X-Grafana-Alerting-Signature": sign(secret, "1779142000", body)}, msg: "from the clock"},
		// Ensure a timestamp that is not Unix seconds is refused.
		{name: "timestamp_not_seconds", h: stamped, headers: map[string]string{"X-Grafana-Alerting-Timestamp": "yesterday",
			"X-Grafana-Alerting-Signature": sign(secret, "yesterday", body)}, msg: "want Unix seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := body
			if tt.body != nil {
				b = tt.body
			}
			r := &intake.Request{Body: b, Header: http.Header{"Content-Type": {"application/json"}}, Received: now,
				Options: intake.Options{HMAC: tt.h}}
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			if tt.ok {
				MustDecode(t, intake.Grafana, r)
				return
			}
			AssertCode(t, intake.Grafana, r, ticket.Unauthorized, tt.msg)
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
