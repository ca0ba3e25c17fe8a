package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// metrics reads GET /v1/metrics?query with the api key.
func (a api) metrics(query string) wire.Metrics {
	a.tb.Helper()
	status, b := a.call("GET", "/v1/metrics?"+query, "ops-key", "")
	if status != http.StatusOK {
		a.tb.Fatalf("GET /v1/metrics?%s: %d %s", query, status, b)
	}
	var m wire.Metrics
	mustDecode(a.tb, b, &m)
	return m
}

// Ensure GET /v1/metrics of the real program tells a known history, figure
// by figure: a ticket misses L1's acknowledge deadline and escalates to L2
// on its own, is acknowledged and resolved there, then reopened; a second
// is escalated to L2 by hand; a third is acknowledged at L1 and left
// open; a repeat counts nothing; a flapping alert is resolved by its
// source twice and fires a third time, which opens its problem at L2 and
// lists it as recurring. Then the filters, and the refusals.
func TestV1MetricsTellTheHistory(t *testing.T) {
	rcv := newReceiver(t)
	m := MustRunMain(t, testConfig(rcv.URL)+"problems: {after: 3, within: 7d, tier: L2, priority: P3}\n", t.TempDir())
	a := api{t, m.URL}
	var flaps []string
	for i := range 3 {
		flaps = append(flaps, a.hook(`{"title":"Link flapping","severity":"warning","dedup_key":"flap"}`).Results[0].TicketID)
		if i < 2 {
			a.hook(`{"dedup_key":"flap","action":"resolve"}`)
		}
	}
	a.hook(`{"title":"Link flapping","severity":"warning","dedup_key":"flap"}`) // a repeat of the third
	a.act(flaps[2], "acknowledge", `{"actor":"dave"}`)
	id := a.hook(`{"title":"Disk full","severity":"warning","dedup_key":"disk"}`).Results[0].TicketID
	a.hook(`{"title":"Disk full","severity":"warning","dedup_key":"disk"}`)
	eventually(t, 10*time.Second, "the escalation to L2", func() bool { return a.ticket(id).Tier == "L2" })
	other := a.hook(`{"title":"CPU","severity":"warning","dedup_key":"cpu"}`).Results[0].TicketID
	a.act(other, "escalate", `{"note":"restarted it, still hot"}`)
	third := a.hook(`{"title":"Printer","severity":"warning","dedup_key":"printer"}`).Results[0].TicketID
	a.act(third, "acknowledge", `{"actor":"carol"}`)
	a.act(id, "acknowledge", `{"actor":"alice"}`)
	a.act(id, "resolve", `{"actor":"alice","resolution":"rotated the logs"}`)
	a.act(id, "reopen", `{"note":"full again"}`)

	got := a.metrics("")
	if len(got.Tiers) != 3 || got.Tiers[0].Tier != "L1" || got.Tiers[2].Tier != "L3" {
		t.Fatalf("tiers %+v, want L1, L2, L3", got.Tiers)
	}
	if w := got.Until.Sub(got.Since); w < 7*24*time.Hour || w > 7*24*time.Hour+time.Hour || got.Since.Minute() != 0 {
		t.Errorf("window %s to %s, want the last 7 days in whole hours", got.Since, got.Until)
	}
	l1, l2, l3 := got.Tiers[0], got.Tiers[1], got.Tiers[2]
	want := []struct {
		name      string
		got, want int
	}{
		{"L1 entered", l1.Entered, 6}, {"L1 escalated", l1.Escalated, 2}, {"L1 resolved", l1.Resolved, 2},
		{"L1 acknowledge breaches", l1.AcknowledgeBreaches, 1}, {"L1 time to acknowledge", l1.TimeToAcknowledge.Count, 2},
		{"L1 time to resolve", l1.TimeToResolve.Count, 2}, {"L1 reopened", l1.Reopened, 0},
		{"L1 open now", l1.Open, 0}, {"L1 acknowledged now", l1.Acknowledged, 2},
		{"L2 entered (with the problem)", l2.Entered, 3}, {"L2 resolved", l2.Resolved, 1}, {"L2 reopened", l2.Reopened, 1},
		{"L2 escalated", l2.Escalated, 0}, {"L2 acknowledge breaches", l2.AcknowledgeBreaches, 0},
		{"L2 time to acknowledge", l2.TimeToAcknowledge.Count, 1}, {"L2 time to resolve", l2.TimeToResolve.Count, 1},
		{"L2 open now", l2.Open, 3}, {"L2 acknowledged now", l2.Acknowledged, 0},
		{"L3 entered", l3.Entered, 0}, {"L3 open now", l3.Open, 0},
	}
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("%s: %d, want %d", w.name, w.got, w.want)
		}
	}
	if l2.OldestOpenSeconds < 0 || l2.OldestOpenSeconds > 60 || l2.TimeToResolve.P50Seconds > 60 {
		t.Errorf("L2's oldest open %vs and median resolve %vs, want both under the minute this test takes", l2.OldestOpenSeconds, l2.TimeToResolve.P50Seconds)
	}

	problems := a.list("kind=problem").Tickets
	if len(problems) != 1 || problems[0].Tier != "L2" || len(a.ticket(problems[0].ID).Incidents) != 3 {
		t.Fatalf("problems %+v, want one at L2 listing the three flaps", problems)
	}
	wantRecurring := []wire.Recurring{{Integration: "prom", DedupKey: "flap", Title: "Link flapping", Tickets: 3, Occurrences: 4, ProblemID: problems[0].ID}}
	for i := range got.Recurring {
		if time.Since(got.Recurring[i].LastSeen) > time.Minute {
			t.Errorf("recurring %d last seen %s, want within the minute this test takes", i, got.Recurring[i].LastSeen)
		}
		got.Recurring[i].LastSeen = time.Time{}
	}
	if !slices.Equal(got.Recurring, wantRecurring) {
		t.Errorf("recurring %+v, want %+v", got.Recurring, wantRecurring)
	}

	if f := a.metrics("tier=L2"); len(f.Tiers) != 1 || f.Tiers[0].Entered != 3 {
		t.Errorf("tier=L2: %+v, want L2 alone", f.Tiers)
	}
	past := time.Now().Add(-48 * time.Hour).UTC()
	if f := a.metrics("since=" + past.Add(-time.Hour).Format(time.RFC3339) + "&until=" + past.Format(time.RFC3339)); f.Tiers[0].Entered != 0 || f.Tiers[1].Open != 3 || len(f.Recurring) != 0 {
		t.Errorf("a window two days ago: %+v, want nothing entered and the unresolved as of now", f.Tiers)
	}
	for _, q := range []string{"since=yesterday", "tier=L9", "integration=nope",
		"since=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z", "since=2025-01-01T00:00:00Z&until=2026-01-01T00:00:00Z"} {
		if status, b := a.call("GET", "/v1/metrics?"+q, "ops-key", ""); status != http.StatusUnprocessableEntity {
			t.Errorf("GET /v1/metrics?%s: %d %s, want 422 (invalid)", q, status, b)
		}
	}
	if status, _ := a.call("GET", "/v1/metrics", "", ""); status != http.StatusUnauthorized {
		t.Errorf("without the api key: %d, want 401", status)
	}
}

// Ensure tierline metrics prints each tier's row of a known history at a
// glance, prints the API's JSON with --json, and refuses a bad window.
func TestMetricsCommand(t *testing.T) {
	m := MustRunMain(t, testConfig("http://127.0.0.1:1/unused"), t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"VPN down","dedup_key":"vpn"}`).Results[0].TicketID
	a.act(id, "escalate", `{"note":"restarted the tunnel"}`)
	a.act(id, "acknowledge", `{"actor":"bob"}`)
	a.act(id, "resolve", `{"actor":"bob","resolution":"new router"}`)
	a.hook(`{"title":"Printer jam","dedup_key":"printer"}`)
	code, out, _ := cli(t, m, "metrics")
	if code != 0 || !strings.Contains(out, "Nothing recurred") {
		t.Errorf("before anything recurred: exit %d\n%s", code, out)
	}
	a.hook(`{"dedup_key":"vpn","title":"VPN down"}`) // resolved above: a second ticket

	code, out, errOut := cli(t, m, "metrics", "--since", "24h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !regexp.MustCompile(`(?m)^2 +2 +\d\d-\d\d \d\d:\d\d +prom +vpn +- +VPN down$`).MatchString(out) {
		t.Errorf("recurring: want vpn's two tickets, no problem\n%s", out)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 13 {
			rows[f[0]] = f
		}
	}
	// TIER ENTERED RESOLVED FCR ESCALATED REOPENED ACK RES TTA TTR OPEN ACKED OLDEST
	want := map[string][]string{
		"L1": {"L1", "3", "0", "0%", "1", "0", "0", "0", "-", "-", "2", "0"},
		"L2": {"L2", "1", "1", "100%", "0", "0", "0", "0"},
		"L3": {"L3", "0", "0", "-", "0", "0", "0", "0", "-", "-", "0", "0", "-"},
	}
	for tier, w := range want {
		got := rows[tier]
		if len(got) < len(w) || !slices.Equal(got[:len(w)], w) {
			t.Errorf("row %s: %q, want it to begin %q\n%s", tier, got, w, out)
		}
	}

	// The durations and ages: seconds, as fast as this test runs.
	if l1, l2 := rows["L1"], rows["L2"]; len(l1) < 13 || len(l2) < 13 || !strings.HasSuffix(l1[12], "s") ||
		!strings.Contains(l2[8], "s/") || !strings.Contains(l2[9], "s/") || l2[12] != "-" {
		t.Errorf("L1's oldest open or L2's times to acknowledge and resolve are not in seconds: %q, %q", l1, l2)
	}

	code, out, _ = cli(t, m, "metrics", "--json", "--tier", "L2")
	var got wire.Metrics
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || len(got.Tiers) != 1 || got.Tiers[0].Resolved != 1 {
		t.Errorf("--json --tier L2: exit %d, %v, %s", code, err, out)
	}
	if code, _, errOut := cli(t, m, "metrics", "--since", "-1h"); code != 2 || !strings.Contains(errOut, "positive duration") {
		t.Errorf("--since -1h: exit %d, %s; want 2 and how to say it", code, errOut)
	}
	if code, _, errOut := cli(t, m, "metrics", "--tier", "L9"); code != 1 || !strings.Contains(errOut, "unknown tier") {
		t.Errorf("--tier L9: exit %d, %s; want 1, unknown tier", code, errOut)
	}
}
