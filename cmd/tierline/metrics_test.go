package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads GET /metrics of a running tierline and parses it as
// Prometheus would.
func scrape(tb testing.TB, url, token string) map[string]*dto.MetricFamily {
	tb.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value is the value of the series of family name with labels (a subset
// of its labels, given as name=value pairs); -1 when there is none.
func value(families map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := families[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for _, kv := range labels {
			k, v, _ := strings.Cut(kv, "=")
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

// hasLabels reports whether one of metrics has every name=value of labels.
func hasLabels(metrics []*dto.Metric, labels []string) bool {
	for _, m := range metrics {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		all := true
		for _, kv := range labels {
			k, v, _ := strings.Cut(kv, "=")
			all = all && have[k] == v
		}
		if all {
			return true
		}
	}
	return false
}

// Ensure GET /metrics of the real program tells a known history: a ticket
// created at L1 misses its acknowledge deadline and escalates to L2, whose
// webhook gets the hand-off; a repeat is deduplicated, a bad token refused;
// a second ticket is escalated to L2 by hand (no breach); the first is acknowledged and
// resolved at L2.
func TestMetricsTellTheHistory(t *testing.T) {
	rcv := newReceiver(t)
	m := MustRunMain(t, testConfig(rcv.URL), t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"Disk full","severity":"warning","dedup_key":"disk"}`).Results[0].TicketID
	a.hook(`{"title":"Disk full","severity":"warning","dedup_key":"disk"}`)
	if status, _ := a.call("POST", "/v1/hooks/prom", "wrong", `{"title":"x"}`); status != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d", status)
	}
	eventually(t, 10*time.Second, "the escalation to L2", func() bool { return a.ticket(id).Tier == "L2" })
	other := a.hook(`{"title":"CPU","severity":"warning","dedup_key":"cpu"}`).Results[0].TicketID
	a.act(other, "escalate", `{"note":"restarted it, still hot"}`)
	a.act(id, "acknowledge", `{"actor":"alice"}`)
	a.act(id, "resolve", `{"actor":"alice","resolution":"rotated the logs"}`)

	want := []struct {
		name   string
		labels []string
		value  float64
	}{
		{"tierline_tier_moves_total", []string{"tier=L1", "move=entered"}, 2},
		{"tierline_tier_moves_total", []string{"tier=L1", "move=escalated"}, 2},
		{"tierline_tier_moves_total", []string{"tier=L2", "move=entered"}, 2},
		{"tierline_tier_moves_total", []string{"tier=L2", "move=acknowledged"}, 1},
		{"tierline_tier_moves_total", []string{"tier=L2", "move=resolved"}, 1},
		{"tierline_tier_moves_total", []string{"tier=L3", "move=entered"}, 0},
		{"tierline_tier_moves_total", []string{"tier=L1", "move=resolved"}, 0},
		{"tierline_deadline_breaches_total", []string{"tier=L1", "deadline=acknowledge"}, 1},
		{"tierline_deadline_breaches_total", []string{"tier=L2", "deadline=acknowledge"}, 0},
		{"tierline_tickets", []string{"tier=L2", "status=open"}, 1},
		{"tierline_tickets", []string{"tier=L2", "status=acknowledged"}, 0},
		{"tierline_tickets", []string{"tier=L1", "status=open"}, 0},
		{"tierline_notifications_total", []string{"tier=L2", "kind=webhook", "outcome=delivered"}, 2},
		{"tierline_ingest_signals_total", []string{"integration=prom", "outcome=accepted", "detail=created"}, 2},
		{"tierline_ingest_signals_total", []string{"integration=prom", "outcome=deduplicated", "detail=occurrence"}, 1},
		{"tierline_ingest_signals_total", []string{"integration=prom", "outcome=refused", "detail=unauthorized"}, 1},
	}
	var families map[string]*dto.MetricFamily
	eventually(t, 5*time.Second, "both L2 deliveries", func() bool { return len(rcv.messages()) == 2 })
	eventually(t, 5*time.Second, "the figures", func() bool {
		families = scrape(t, m.URL, "")
		for _, w := range want {
			if value(families, w.name, w.labels...) != w.value {
				return false
			}
		}
		return true
	})
	for _, w := range want {
		if got := value(families, w.name, w.labels...); got != w.value {
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
		}
	}
	for _, op := range []string{"get", "upsert", "update"} {
		if value(families, "tierline_store_seconds", "operation="+op) < 1 {
			t.Errorf("no store latency for %s", op)
		}
	}
}

// Ensure a metrics token guards /metrics for every client, loopback too.
func TestMetricsToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	if err := os.WriteFile(path, []byte(testConfig("http://127.0.0.1:1/unused")), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: t.TempDir(), MetricsToken: "s3cret",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	a := api{t, m.URL}
	if status, _ := a.call("GET", "/metrics", "", ""); status != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", status)
	}
	if status, _ := a.call("GET", "/metrics", "wrong", ""); status != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d, want 401", status)
	}
	if f := scrape(t, m.URL, "s3cret"); value(f, "tierline_tickets", "tier=L1", "status=open") != 0 {
		t.Error("no tickets gauge with the token")
	}
}
