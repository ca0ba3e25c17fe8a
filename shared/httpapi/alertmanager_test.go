package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/wire"
)

// alertmanagerConfig routes alerts to tierline three ways: the webhook
// receiver by default, the PagerDuty receiver for target="pd", the
// Opsgenie receiver for target="og", each pointed at tierline by URL.
// Short group timers make it deliver within seconds.
const alertmanagerConfig = `
route:
  receiver: webhook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - {matchers: ['target="pd"'], receiver: pd}
    - {matchers: ['target="og"'], receiver: og}
receivers:
  - name: webhook
    webhook_configs:
      - url: %[1]s/v1/hooks/prometheus
        send_resolved: true
        http_config: {authorization: {credentials: %[2]s}}
  - name: pd
    pagerduty_configs:
      - {routing_key: %[3]s, url: %[1]s/v2/enqueue, severity: critical}
  - name: og
    opsgenie_configs:
      - {api_key: %[4]s, api_url: %[1]s/, priority: P1, update_alerts: true}
`

// Alertmanager is a running Prometheus Alertmanager.
type Alertmanager struct {
	URL string
	mu  sync.Mutex
	log bytes.Buffer
}

// Write keeps Alertmanager's log, to show when the test fails.
func (am *Alertmanager) Write(p []byte) (int, error) {
	am.mu.Lock()
	defer am.mu.Unlock()
	return am.log.Write(p)
}

// Log returns what Alertmanager logged so far.
func (am *Alertmanager) Log() string {
	am.mu.Lock()
	defer am.mu.Unlock()
	return am.log.String()
}

// MustStartAlertmanager runs the Debian package's Alertmanager on
// loopback, without its cluster port, storing in a temporary directory,
// with its receivers pointed at tierline's url.
func MustStartAlertmanager(tb testing.TB, tierline string) *Alertmanager {
	tb.Helper()
	bin := testenv.Command(tb, "prometheus-alertmanager", "apt-get install prometheus-alertmanager, or run scripts/test-deps.sh")
	dir := tb.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, alertmanagerConfig, tierline, amToken, routingKey, genieKey), 0o600); err != nil {
		tb.Fatal(err)
	}
	addr := freeAddr(tb)
	am := &Alertmanager{URL: "http://" + addr}
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--web.external-url="+am.URL+"/", "--cluster.listen-address=")
	cmd.Stdout, cmd.Stderr = am, am
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start alertmanager: %v", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if tb.Failed() {
			tb.Logf("alertmanager's log:\n%s", am.Log())
		}
	})
	waitFor(tb, 20*time.Second, "alertmanager ready", func() bool {
		resp, err := http.Get(am.URL + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return am
}

// Post posts alerts to Alertmanager's API, as Prometheus does.
func (am *Alertmanager) Post(tb testing.TB, alerts []map[string]any) {
	tb.Helper()
	b, _ := json.Marshal(alerts)
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("post alerts: status %d", resp.StatusCode)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls ok until it holds, or fails the test after limit. A real
// Alertmanager delivers on its own timers, so this test waits for it.
func waitFor(tb testing.TB, limit time.Duration, what string, ok func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-ctx.Done():
			tb.Fatalf("waited %s for %s", limit, what)
		case <-tick.C:
		}
	}
}

// Ensure a real Alertmanager reaches tierline through all three receivers
// a team already has, pointed at tierline by URL alone: webhook_configs,
// pagerduty_configs (url) and opsgenie_configs (api_url, with update_alerts,
// which also PUTs the message and description). Alerts it fires
// become tickets; the same alerts ended resolve them.
func TestAlertmanager_realSender(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	am := MustStartAlertmanager(t, a.URL)
	alerts := func(endsAt time.Time) []map[string]any {
		var out []map[string]any
		for _, al := range []struct{ name, target, summary string }{
			{"DiskFull", "", "/var on db-1 is 97% full"},
			{"UPSOnBattery", "pd", "UPS ups-1 on battery"},
			{"VPNTunnelDown", "og", "VPN tunnel to HQ down"},
		} {
			labels := map[string]string{"alertname": al.name, "instance": "db-1:9100", "severity": "warning"}
			if al.target != "" {
				labels["target"] = al.target
			}
			out = append(out, map[string]any{"labels": labels, "annotations": map[string]string{"summary": al.summary},
				"startsAt": time.Now().Add(-time.Minute).Format(time.RFC3339), "endsAt": endsAt.Format(time.RFC3339),
				"generatorURL": "http://prometheus.test/graph"})
		}
		return out
	}
	tickets := func() []wire.Ticket {
		list := a.MustList(t, "/v1/tickets")
		sort.Slice(list, func(i, j int) bool { return list[i].Integration < list[j].Integration })
		return list
	}
	am.Post(t, alerts(time.Now().Add(time.Hour)))
	waitFor(t, 30*time.Second, "a ticket from each receiver", func() bool { return len(tickets()) == 3 })
	got := tickets()
	var integrations []string
	for _, tk := range got {
		integrations = append(integrations, tk.Integration+":"+tk.Status)
	}
	if strings.Join(integrations, " ") != "netwatch:open printers:open prometheus:open" {
		t.Fatalf("tickets %v, want one open from each of netwatch (opsgenie), printers (pagerduty) and prometheus (webhook)", integrations)
	}
	for _, tk := range got {
		switch tk.Integration {
		case "prometheus":
			if tk.Title != "/var on db-1 is 97% full" || tk.Priority != "P3" {
				t.Errorf("webhook ticket title=%q priority=%s", tk.Title, tk.Priority)
			}
		case "printers":
			if !strings.Contains(tk.Title, "UPSOnBattery") || tk.Tier != "L2" || tk.Priority != "P1" {
				t.Errorf("pagerduty ticket title=%q tier=%s priority=%s, want the summary, critical routed to L2 P1", tk.Title, tk.Tier, tk.Priority)
			}
		case "netwatch":
			if !strings.Contains(tk.Title, "VPNTunnelDown") || tk.Priority != "P1" {
				t.Errorf("opsgenie ticket title=%q priority=%s", tk.Title, tk.Priority)
			}
		}
	}

	am.Post(t, alerts(time.Now().Add(-time.Second)))
	waitFor(t, 30*time.Second, "every ticket resolved", func() bool {
		for _, tk := range tickets() {
			if tk.Status != "resolved" {
				return false
			}
		}
		return true
	})
	if n := len(tickets()); n != 3 {
		t.Errorf("%d tickets after the resolve, want still 3", n)
	}
	// Ensure no request of Alertmanager's failed: a refused PUT of update_alerts
	// would be logged, not seen in the tickets.
	if log := am.Log(); strings.Contains(log, "level=error") || strings.Contains(log, "Notify") {
		t.Errorf("alertmanager logged a failed notification:\n%s", log)
	}
}
