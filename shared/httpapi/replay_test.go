package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/wire"
)

// replay is how a sample of events/ is sent, as its sender sends it.
type replay struct {
	method, path string
	headers      func(a *Senders, body []byte) map[string]string
	sign         bool // an SNS message: signed with the test's certificate first
}

func hookAs(token string) func(*Senders, []byte) map[string]string {
	return func(*Senders, []byte) map[string]string { return jsonHeaders(token) }
}

// replays lists every sender's samples in the order a sender sends them.
// TestReplay fails on a sample missing here, so that every file under a
// sender's directory is replayed.
var replays = map[string][]struct {
	file string
	replay
}{
	"alertmanager": {
		{"firing.json", replay{"POST", "/v1/hooks/prometheus", hookAs(amToken), false}},
		{"resolved.json", replay{"POST", "/v1/hooks/prometheus", hookAs(amToken), false}},
	},
	"grafana": {
		{"firing.json", replay{"POST", "/v1/hooks/grafana", func(a *Senders, b []byte) map[string]string { return grafanaHeaders(a.Clock.Now(), b) }, false}},
		{"resolved.json", replay{"POST", "/v1/hooks/grafana", func(a *Senders, b []byte) map[string]string { return grafanaHeaders(a.Clock.Now(), b) }, false}},
	},
	"sns": {
		{"subscription-confirmation.json", replay{"POST", snsPath("cloudwatch"), func(_ *Senders, b []byte) map[string]string { return snsHeaders(b) }, true}},
		{"alarm.json", replay{"POST", snsPath("cloudwatch"), func(_ *Senders, b []byte) map[string]string { return snsHeaders(b) }, true}},
		{"insufficient-data.json", replay{"POST", snsPath("cloudwatch"), func(_ *Senders, b []byte) map[string]string { return snsHeaders(b) }, true}},
		{"ok.json", replay{"POST", snsPath("cloudwatch"), func(_ *Senders, b []byte) map[string]string { return snsHeaders(b) }, true}},
	},
	"datadog": {
		{"triggered.json", replay{"POST", "/v1/hooks/datadog", hookAs(ddToken), false}},
		{"recovered.json", replay{"POST", "/v1/hooks/datadog", hookAs(ddToken), false}},
	},
	"generic": {
		{"trigger.json", replay{"POST", "/v1/hooks/monitor", hookAs(hookToken), false}},
		{"resolve.json", replay{"POST", "/v1/hooks/monitor", hookAs(hookToken), false}},
	},
	"pagerduty": {
		{"trigger.json", replay{"POST", "/v2/enqueue", func(*Senders, []byte) map[string]string { return pdHeaders }, false}},
		{"acknowledge.json", replay{"POST", "/v2/enqueue", func(*Senders, []byte) map[string]string { return pdHeaders }, false}},
		{"change.json", replay{"POST", "/v2/change/enqueue", func(*Senders, []byte) map[string]string { return pdHeaders }, false}},
		{"resolve.json", replay{"POST", "/v2/enqueue", func(*Senders, []byte) map[string]string { return pdHeaders }, false}},
	},
	"opsgenie": {
		{"create.json", replay{"POST", "/v2/alerts", func(*Senders, []byte) map[string]string { return genie(genieKey) }, false}},
		{"acknowledge.json", replay{"POST", "/v2/alerts/vpn-gw-fra-2-hq/acknowledge?identifierType=alias", func(*Senders, []byte) map[string]string { return genie(genieKey) }, false}},
		{"note.json", replay{"POST", "/v2/alerts/vpn-gw-fra-2-hq/notes?identifierType=alias", func(*Senders, []byte) map[string]string { return genie(genieKey) }, false}},
		{"close.json", replay{"POST", "/v2/alerts/vpn-gw-fra-2-hq/close?identifierType=alias", func(*Senders, []byte) map[string]string { return genie(genieKey) }, false}},
	},
}

// wantReplayed is the ticket each sender's samples leave behind: every
// sample set opens one ticket and, by its last sample, resolves it.
var wantReplayed = map[string]struct {
	integration, dedupKey string
	notes                 int // timeline notes besides the resolution
}{
	"alertmanager": {"prometheus", `{}/{team="storage"}:{alertname="VolumeAlmostFull"}`, 0},
	"grafana":      {"grafana", `{}/{__grafana_receiver__="itsm-webhook"}:{alertname="API p95 latency"}`, 0},
	"sns":          {"cloudwatch", "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:orders-db-cpu-high", 0},
	"datadog":      {"datadog", "7741205583300011452", 0},
	"generic":      {"monitor", "backup/nightly-fs", 0},
	"pagerduty":    {"printers", "lab-printer-12/toner", 1},
	"opsgenie":     {"netwatch", "vpn-gw-fra-2-hq", 3},
}

// Ensure every sample of every sender under events/ goes through the HTTP
// handler as its sender sends it, is accepted, and leaves the ticket its
// sender meant: one per sample set, resolved at the end. Only the senders'
// directories are replayed; events/ may hold other samples (Lambda
// triggers) that other tests replay.
func TestReplay(t *testing.T) {
	t.Parallel()
	for _, sender := range intaketest.Senders {
		t.Run(sender, func(t *testing.T) {
			t.Parallel()
			steps := replays[sender]
			var files []string
			for _, st := range steps {
				files = append(files, sender+"/"+st.file)
			}
			for _, rel := range intaketest.Events(t, sender) {
				if !slices.Contains(files, rel) {
					t.Errorf("events/%s is not replayed: add it to replays", rel)
				}
			}
			a := MustOpenSenders(t)
			for _, st := range steps {
				body := intaketest.Event(t, sender+"/"+st.file)
				if st.sign {
					body = a.SNS.Sign(t, body)
				}
				a.Clock.Add(time.Minute)
				resp := a.Post(t, st.method, st.path, st.headers(a, body), body)
				if resp.Status != http.StatusAccepted {
					t.Fatalf("events/%s/%s: %d %s, want 202", sender, st.file, resp.Status, resp.Body)
				}
			}
			list := a.MustList(t, "/v1/tickets")
			want := wantReplayed[sender]
			if len(list) != 1 {
				t.Fatalf("%d tickets, want 1", len(list))
			}
			tk := a.MustGet(t, list[0].ID)
			if tk.Integration != want.integration || tk.DedupKey != want.dedupKey || tk.Status != "resolved" || tk.Title == "" {
				t.Errorf("ticket integration=%q key=%q status=%s title=%q, want %q %q resolved", tk.Integration, tk.DedupKey, tk.Status, tk.Title,
					want.integration, want.dedupKey)
			}
			if n := countNotes(tk); n != want.notes {
				t.Errorf("%d notes on the timeline, want %d", n, want.notes)
			}
		})
	}
}

func countNotes(tk wire.Ticket) int {
	n := 0
	for _, e := range tk.Timeline {
		if e.Kind == "noted" && !strings.HasPrefix(e.Actor, "tierline") {
			n++
		}
	}
	return n
}
