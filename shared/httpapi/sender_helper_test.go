package httpapi_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/wire"
)

// Credentials of senderConfig.
const (
	amToken       = "am-token-1"
	grafanaToken  = "grafana-token-1"
	grafanaSecret = "grafana-hmac-secret-0123"
	snsToken      = "sns-token-1"
	ddToken       = "dd-token-1"
	scadaToken    = "scada-token-1"
	scadaSecret   = "scada-hmac-secret-0123456"
	routingKey    = "0f3e5a7c9b1d2e4f6a8c0b2d4e6f8a1c" // the samples' routing_key
	genieKey      = "genie-key-netwatch"
	otherGenieKey = "genie-key-other"
	topic         = "arn:aws:sns:eu-west-1:210987654321:ops-alarms"
)

// senderConfig has an integration of every sender kind, most with the
// options of their kind, beside testConfig's generic one.
const senderConfig = `
integrations:
  - {name: monitor, kind: generic, token: "` + hookToken + `"}
  - {name: prometheus, kind: alertmanager, token: "` + amToken + `"}
  - {name: prometheus-alerts, kind: alertmanager, token: "` + amToken + `", grouping: alert}
  - name: grafana
    kind: grafana
    token: "` + grafanaToken + `"
    hmac: {secret: "` + grafanaSecret + `", timestamp_header: X-Grafana-Alerting-Timestamp}
  - {name: cloudwatch, kind: sns, token: "` + snsToken + `", topics: ["` + topic + `"]}
  - {name: cloudwatch-nodata, kind: sns, token: "` + snsToken + `", topics: ["` + topic + `"], insufficient_data: trigger}
  - {name: datadog, kind: datadog, token: "` + ddToken + `"}
  - name: scada
    kind: generic
    token: "` + scadaToken + `"
    mapping: {title: /alarm/text, dedup_key: /alarm/tag, severity: /alarm/class, action: /alarm/state}
    hmac: {secret: "` + scadaSecret + `", header: X-Scada-Signature, timestamp_header: X-Scada-Time, window: 2m}
  - {name: printers, kind: pagerduty, token: "` + routingKey + `"}
  - {name: netwatch, kind: opsgenie, token: "` + genieKey + `"}
  - {name: other-genie, kind: opsgenie, token: "` + otherGenieKey + `"}
routes:
  - {match: {severity: critical}, tier: L2, priority: P1}
api_keys:
  - {name: ops, key: "` + apiKey + `"}
`

// Senders is the API under senderConfig, with the stand-in for SNS its
// certificates and confirmations come from.
type Senders struct {
	*API
	SNS *intaketest.SNS
}

// MustOpenSenders starts the API under senderConfig.
func MustOpenSenders(tb testing.TB) *Senders {
	tb.Helper()
	sns := intaketest.NewSNS(tb)
	return &Senders{API: MustOpenAPIWith(tb, senderConfig, httpapi.Options{SNSCert: sns.Fetch, SNSConfirm: sns.Confirm}), SNS: sns}
}

// Post sends body to path with headers and reads the answer.
func (a *API) Post(tb testing.TB, method, path string, headers map[string]string, body []byte) Response {
	tb.Helper()
	req, err := http.NewRequest(method, a.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// MustResults checks a 202 hook answer and returns its results.
func MustResults(tb testing.TB, r Response) []wire.HookResult {
	tb.Helper()
	if r.Status != http.StatusAccepted {
		tb.Fatalf("Status=%v, want %v; body %s", r.Status, http.StatusAccepted, r.Body)
	}
	var out wire.HookResponse
	MustDecode(tb, r, &out)
	return out.Results
}

// Outcomes returns the outcomes of results, in order.
func Outcomes(results []wire.HookResult) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = r.Outcome
	}
	return out
}

// jsonHeaders are a JSON post's headers with the token.
func jsonHeaders(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
}

// signed returns headers h plus a signature of body with secret at now,
// in the headers named.
func signed(h map[string]string, secret string, now time.Time, sigHeader, tsHeader string, body []byte) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + ":"))
	mac.Write(body)
	out[sigHeader] = hex.EncodeToString(mac.Sum(nil))
	out[tsHeader] = ts
	return out
}

// grafanaHeaders are the headers Grafana sends body with, signed at now.
func grafanaHeaders(now time.Time, body []byte) map[string]string {
	return signed(jsonHeaders(grafanaToken), grafanaSecret, now, "X-Grafana-Alerting-Signature", "X-Grafana-Alerting-Timestamp", body)
}

// snsHeaders are the headers SNS posts a message with.
func snsHeaders(body []byte) map[string]string {
	var m struct{ Type, MessageId string }
	json.Unmarshal(body, &m)
	return map[string]string{"Content-Type": "text/plain; charset=UTF-8", "X-Amz-Sns-Message-Type": m.Type,
		"X-Amz-Sns-Message-Id": m.MessageId, "X-Amz-Sns-Topic-Arn": topic, "User-Agent": "Amazon Simple Notification Service Agent"}
}

// snsPath is the hook of integration name with its token in the query, as
// an SNS subscription's endpoint carries it.
func snsPath(name string) string { return "/v1/hooks/" + name + "?token=" + snsToken }

// genie is the Opsgenie headers of key.
func genie(key string) map[string]string {
	return map[string]string{"Authorization": "GenieKey " + key, "Content-Type": "application/json"}
}
