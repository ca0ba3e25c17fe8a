package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/desk"
)

// genericList is a list of n generic alerts of distinct keys, prefixed.
func genericList(prefix string, n int) []byte {
	alerts := make([]map[string]string, n)
	for i := range alerts {
		alerts[i] = map[string]string{"title": fmt.Sprintf("disk full on %s-%d", prefix, i), "dedup_key": fmt.Sprintf("%s-%d", prefix, i),
			"description": "/var at 97%", "severity": "warning"}
	}
	b, _ := json.Marshal(alerts)
	return b
}

// alertmanagerGroup is an Alertmanager notification of n firing alerts,
// each its own fingerprint.
func alertmanagerGroup(n int) []byte {
	alerts := make([]map[string]any, n)
	for i := range alerts {
		alerts[i] = map[string]any{"status": "firing", "startsAt": "2026-11-23T08:59:00Z", "endsAt": "0001-01-01T00:00:00Z",
			"labels":      map[string]string{"alertname": "VolumeAlmostFull", "instance": fmt.Sprintf("nas-%d:9100", i)},
			"annotations": map[string]string{"summary": fmt.Sprintf("/srv on nas-%d is 93%% full", i)},
			"fingerprint": fmt.Sprintf("%016x", i)}
	}
	b, _ := json.Marshal(map[string]any{"version": "4", "groupKey": `{}:{alertname="VolumeAlmostFull"}`, "status": "firing",
		"receiver": "tierline", "groupLabels": map[string]string{"alertname": "VolumeAlmostFull"},
		"commonLabels": map[string]string{"alertname": "VolumeAlmostFull"}, "externalURL": "https://am.example", "alerts": alerts})
	return b
}

// Ensure the largest request allowed, desk.MaxSignals alerts in one
// generic list, is answered 202 with a result for each, every alert a
// ticket of its own; BenchmarkHookOfMaxSignals measures how long it takes.
func TestHookOfMaxSignals(t *testing.T) {
	a := MustOpenAPI(t)
	results := MustResults(t, a.Post(t, "POST", "/v1/hooks/monitor", jsonHeaders(hookToken), genericList("host", desk.MaxSignals)))
	if len(results) != desk.MaxSignals {
		t.Fatalf("%d results, want %d", len(results), desk.MaxSignals)
	}
	for i, r := range results {
		if r.Outcome != "created" || r.TicketID == "" {
			t.Fatalf("result %d: %+v, want a created ticket", i, r)
		}
	}
	if n := len(a.MustSnapshot(t)); n != desk.MaxSignals {
		t.Fatalf("%d tickets stored, want %d", n, desk.MaxSignals)
	}
}

// Ensure a request of more alerts than desk.MaxSignals is refused whole
// with 413, on every route that carries several, saying the limit, and
// stores nothing.
func TestHookOverMaxSignalsIsRefused(t *testing.T) {
	a := MustOpenSenders(t)
	tests := []struct {
		name, path, token string
		body              []byte
	}{
		{"generic_list", "/v1/hooks/monitor", hookToken, genericList("host", desk.MaxSignals+1)},
		{"alertmanager_grouping_alert", "/v1/hooks/prometheus-alerts", amToken, alertmanagerGroup(desk.MaxSignals + 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := a.MustSnapshot(t)
			r := a.Post(t, "POST", tc.path, jsonHeaders(tc.token), tc.body)
			AssertError(t, r, http.StatusRequestEntityTooLarge, "too_large", "1001", "1000")
			a.AssertUnchanged(t, before)
		})
	}
	// One under the limit is taken on the same route.
	r := a.Post(t, "POST", "/v1/hooks/prometheus-alerts", jsonHeaders(amToken), alertmanagerGroup(desk.MaxSignals))
	if got := MustResults(t, r); len(got) != desk.MaxSignals || strings.Join(Outcomes(got[:1]), "") != "created" {
		t.Fatalf("%d results (%v…), want %d created", len(got), Outcomes(got[:1]), desk.MaxSignals)
	}
}

// BenchmarkHookOfMaxSignals posts requests of desk.MaxSignals new alerts
// to the local stack (SQLite): the time of the largest request allowed.
// go test -run '^$' -bench HookOfMaxSignals ./shared/httpapi
func BenchmarkHookOfMaxSignals(b *testing.B) {
	a := MustOpenAPI(b)
	n := 0
	for b.Loop() {
		body := genericList(fmt.Sprintf("req%d", n), desk.MaxSignals)
		if r := a.Post(b, "POST", "/v1/hooks/monitor", jsonHeaders(hookToken), body); r.Status != http.StatusAccepted {
			b.Fatalf("answer %d %s", r.Status, r.Body)
		}
		n++
	}
	b.ReportMetric(float64(desk.MaxSignals), "alerts/op")
}
