package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

var at = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// escalatedHandOff is notice 2 of a ticket escalated by hand from L1 to
// L2 after a note, with alert text that tries to inject Slack markup.
func escalatedHandOff(t *testing.T) ticket.HandOff {
	t.Helper()
	d := ticket.Deadlines{Acknowledge: time.Minute, Resolve: time.Hour}
	tk, err := ticket.New("0c7g2m4x9k3t1p", "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "k",
		Title: "Disk full <!channel> & more", Severity: "critical"}, ticket.Placement{Tier: ticket.L1, Deadlines: d}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.AddNote("alice", "cleared /tmp", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: "alice", Reason: "escalated by alice",
		Note: "still 97% after cleanup", Manual: true, At: at.Add(2 * time.Minute), Deadlines: d}); err != nil {
		t.Fatal(err)
	}
	h, ok := tk.HandOff(2)
	if !ok {
		t.Fatal("no hand-off 2")
	}
	return h
}

// hook is a receiving webhook that answers with the given statuses in turn.
type hook struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.bodies = append(h.bodies, buf.Bytes())
		h.headers = append(h.headers, r.Header.Clone())
		status := http.StatusOK
		if n := len(h.bodies); n <= len(h.statuses) {
			status = h.statuses[n-1]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

// noWait is a Deliverer that records its backoff instead of sleeping.
func noWait(waits *[]time.Duration) *notify.Deliverer {
	return &notify.Deliverer{BaseURL: "https://tierline.example", Backoff: 100 * time.Millisecond,
		Sleep: func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }}
}

// Ensure a webhook gets Slack-compatible text, escaped, and the whole
// hand-off as JSON, with the channel's headers.
func TestWebhookBody(t *testing.T) {
	h := newHook(t)
	var waits []time.Duration
	d := noWait(&waits)
	ch := policy.Channel{Name: "l2", Kind: "webhook", URL: h.URL, Headers: map[string]string{"Authorization": "Bearer s3cret"}}
	if err := d.Deliver(context.Background(), ch, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	if h.calls() != 1 || h.headers[0].Get("Authorization") != "Bearer s3cret" || h.headers[0].Get("Content-Type") != "application/json" {
		t.Fatalf("calls=%d headers=%v, want one JSON post with the channel's Authorization", h.calls(), h.headers)
	}
	var m notify.Message
	if err := json.Unmarshal(h.bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[L2] P1", "Disk full &lt;!channel&gt; &amp; more", "Escalated from L1", "Hand-off note: still 97% after cleanup",
		"Tried: cleared /tmp (alice)", "https://tierline.example/console/tickets/0c7g2m4x9k3t1p"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text %q lacks %q", m.Text, want)
		}
	}
	if strings.Contains(m.Text, "<!channel>") {
		t.Errorf("text %q carries unescaped Slack markup", m.Text)
	}
	got := m.Tierline
	if got.Notice != 2 || got.Tier != "L2" || got.From != "L1" || got.Kind != "escalated" || got.Note != "still 97% after cleanup" ||
		got.Ticket.ID != "0c7g2m4x9k3t1p" || got.Ticket.Title != "Disk full <!channel> & more" || len(got.Tried) != 1 || got.Ticket.Timeline != nil {
		t.Fatalf("hand-off JSON = %+v", got)
	}
}

// Ensure the retry rules: 5xx, 408 and 429 are retried with growing
// waits, other 4xx are final, and attempts are bounded.
func TestWebhookRetries(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		wantErr  bool
		calls    int
	}{
		{"ok_first_time", nil, false, 1},
		{"server_error_then_ok", []int{503}, false, 2},
		{"rate_limited_then_timeout_then_ok", []int{429, 408}, false, 3},
		{"three_server_errors_fail", []int{500, 502, 503}, true, 3},
		{"client_error_is_final", []int{400}, true, 1},
		{"gone_is_final", []int{410}, true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, tc.statuses...)
			var waits []time.Duration
			err := noWait(&waits).Deliver(context.Background(), policy.Channel{Name: "x", Kind: "webhook", URL: h.URL}, escalatedHandOff(t))
			if (err != nil) != tc.wantErr || h.calls() != tc.calls {
				t.Fatalf("err=%v calls=%d, want error %v after %d calls", err, h.calls(), tc.wantErr, tc.calls)
			}
			for i := 1; i < len(waits); i++ {
				if waits[i] <= waits[i-1]/2 {
					t.Fatalf("waits %v do not grow", waits)
				}
			}
			if len(waits) != tc.calls-1 {
				t.Fatalf("waited %d times for %d calls", len(waits), tc.calls)
			}
		})
	}
}

// Ensure an unreachable receiver is an error after the bounded attempts,
// and a cancelled context stops the retries.
func TestWebhookUnreachable(t *testing.T) {
	var waits []time.Duration
	ch := policy.Channel{Name: "x", Kind: "webhook", URL: "http://127.0.0.1:1/hook"}
	if err := noWait(&waits).Deliver(context.Background(), ch, escalatedHandOff(t)); err == nil || len(waits) != 2 {
		t.Fatalf("err=%v after %d waits, want an error after 3 attempts", err, len(waits))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &notify.Deliverer{}
	if err := d.Deliver(ctx, ch, escalatedHandOff(t)); err == nil {
		t.Fatal("a cancelled delivery succeeded")
	}
}

// Ensure the log channel writes one structured line and an unknown kind
// is an error.
func TestLogAndUnknownKinds(t *testing.T) {
	var buf bytes.Buffer
	d := &notify.Deliverer{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	if err := d.Deliver(context.Background(), policy.Channel{Name: "log", Kind: "log"}, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line["ticket"] != "0c7g2m4x9k3t1p" || line["tier"] != "L2" {
		t.Fatalf("log line %s (%v), want the ticket and tier", buf.Bytes(), err)
	}
	if err := d.Deliver(context.Background(), policy.Channel{Name: "pager", Kind: "pigeon"}, escalatedHandOff(t)); err == nil {
		t.Fatal("an unknown channel kind was delivered")
	}
}

// Ensure the summary of a new ticket says where it came from.
func TestSummaryOfNewTicket(t *testing.T) {
	tk, err := ticket.New("0c7g2m4x9k3t1p", "grafana", ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "CPU hot"},
		ticket.Placement{Tier: ticket.L1}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := tk.HandOff(1)
	if got := notify.Summary(h); got != "[L1] P3 CPU hot (ticket 0c7g2m4x9k3t1p)\nNew from grafana" {
		t.Fatalf("Summary = %q", got)
	}
}
