package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/wire"
)

// MustRunMain boots the whole program on a free port with cfg as its config
// file and dir as its data directory, and closes it when the test ends.
func MustRunMain(tb testing.TB, cfg, dir string) *Main {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "tierline.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: dir, Visibility: time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if testing.Verbose() {
		m.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatalf("Run: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// receiver is an on-call webhook that records the hand-offs it gets.
type receiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []notify.Message
}

func newReceiver(tb testing.TB) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m notify.Message
		if err := json.NewDecoder(req.Body).Decode(&m); err != nil {
			tb.Errorf("receiver: %v", err)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, m)
	}))
	tb.Cleanup(r.Close)
	return r
}

func (r *receiver) messages() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message(nil), r.got...)
}

// api is a small client for tests: it fails the test on transport errors
// and returns the status and body of each answer.
type api struct {
	tb  testing.TB
	url string
}

func (a api) call(method, path, auth, body string) (int, []byte) {
	a.tb.Helper()
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	if err != nil {
		a.tb.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (a api) hook(body string) wire.HookResponse {
	a.tb.Helper()
	status, b := a.call("POST", "/v1/hooks/prom", "prom-token", body)
	if status != http.StatusAccepted {
		a.tb.Fatalf("hook: %d %s", status, b)
	}
	var out wire.HookResponse
	mustDecode(a.tb, b, &out)
	return out
}

func (a api) ticket(id string) wire.Ticket {
	a.tb.Helper()
	status, b := a.call("GET", "/v1/tickets/"+id, "ops-key", "")
	if status != http.StatusOK {
		a.tb.Fatalf("GET ticket %s: %d %s", id, status, b)
	}
	var t wire.Ticket
	mustDecode(a.tb, b, &t)
	return t
}

func (a api) act(id, action, body string) wire.Ticket {
	a.tb.Helper()
	status, b := a.call("POST", "/v1/tickets/"+id+"/"+action, "ops-key", body)
	if status != http.StatusOK {
		a.tb.Fatalf("%s %s: %d %s", action, id, status, b)
	}
	var t wire.Ticket
	mustDecode(a.tb, b, &t)
	return t
}

func (a api) list(query string) wire.List {
	a.tb.Helper()
	status, b := a.call("GET", "/v1/tickets?"+query, "ops-key", "")
	if status != http.StatusOK {
		a.tb.Fatalf("list: %d %s", status, b)
	}
	var l wire.List
	mustDecode(a.tb, b, &l)
	return l
}

func mustDecode(tb testing.TB, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
}

// eventually polls cond every 50ms until it holds or timeout passes.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	for end := time.Now().Add(timeout); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

func testConfig(l2 string) string {
	return fmt.Sprintf(`
integrations:
  - {name: prom, kind: generic, token: prom-token}
policies:
  default:
    L1: {acknowledge: 2s, resolve: 1h}
    L2: {acknowledge: 1h, resolve: 2h}
    L3: {acknowledge: 1h, resolve: 4h, repeat: 1}
channels:
  L1: [{kind: log}]
  L2: [{name: on-call-l2, kind: webhook, url: %q}]
api_keys:
  - {name: ops, key: ops-key}
`, l2)
}

// Ensure the whole flow on one machine: an alert becomes an L1 ticket,
// escalates to L2 when nobody acknowledges it within 2s, the L2 webhook
// gets the hand-off, it is acknowledged and resolved through the API, and
// after a restart the ticket and its timeline are still there and nobody
// is paged twice.
func TestEndToEnd(t *testing.T) {
	rcv := newReceiver(t)
	dir := t.TempDir()
	m := MustRunMain(t, testConfig(rcv.URL), dir)
	a := api{t, m.URL}

	res := a.hook(`{"title":"Disk full on db-1","description":"/var at 97%","severity":"warning","dedup_key":"disk-db-1"}`)
	if len(res.Results) != 1 || res.Results[0].Outcome != "created" {
		t.Fatalf("hook results = %+v, want one created", res.Results)
	}
	id := res.Results[0].TicketID
	first := a.ticket(id)
	if first.Tier != "L1" || first.Status != "open" {
		t.Fatalf("new ticket at %s/%s, want L1/open", first.Tier, first.Status)
	}

	var escalated wire.Ticket
	eventually(t, 10*time.Second, "the escalation to L2", func() bool {
		escalated = a.ticket(id)
		return escalated.Tier == "L2"
	})
	var ev wire.Event
	for _, e := range escalated.Timeline {
		if e.Kind == "escalated" {
			ev = e
		}
	}
	if ev.From != "L1" || ev.To != "L2" || !strings.Contains(ev.Reason, "not acknowledged within 2s at L1") {
		t.Fatalf("escalated event = %+v, want L1 → L2 for the missed acknowledge deadline", ev)
	}
	if late := ev.At.Sub(first.AcknowledgeBy); late < 0 || late > time.Second {
		t.Fatalf("escalated %v after the deadline, want within a second", late)
	}

	eventually(t, 10*time.Second, "the L2 hand-off", func() bool { return len(rcv.messages()) > 0 })
	h := rcv.messages()[0].Tierline
	if h.Ticket.ID != id || h.Tier != "L2" || h.From != "L1" || h.Notice != 2 || !strings.Contains(h.Reason, "not acknowledged") {
		t.Fatalf("hand-off = %+v, want ticket %s handed from L1 to L2 as notice 2", h, id)
	}
	if !strings.Contains(rcv.messages()[0].Text, "Disk full on db-1") {
		t.Fatalf("hand-off text %q does not name the alert", rcv.messages()[0].Text)
	}

	a.act(id, "acknowledge", `{"actor":"alice"}`)
	resolved := a.act(id, "resolve", `{"actor":"alice","resolution":"rotated the logs"}`)
	if resolved.Status != "resolved" || resolved.Resolution != "rotated the logs" {
		t.Fatalf("after resolve: %s %q", resolved.Status, resolved.Resolution)
	}
	eventually(t, 5*time.Second, "the L2 delivery on the timeline", func() bool {
		for _, e := range a.ticket(id).Timeline {
			if e.Kind == "notified" && e.Channel == "on-call-l2" {
				return true
			}
		}
		return false
	})
	before := a.ticket(id)

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := MustRunMain(t, testConfig(rcv.URL), dir)
	a2 := api{t, m2.URL}
	after := a2.ticket(id)
	if after.Status != "resolved" || after.Version != before.Version || len(after.Timeline) != len(before.Timeline) {
		t.Fatalf("after restart: %s v%d with %d events, want resolved v%d with %d", after.Status, after.Version,
			len(after.Timeline), before.Version, len(before.Timeline))
	}
	time.Sleep(1500 * time.Millisecond) // give the restarted workers a chance to misbehave
	if n := len(rcv.messages()); n != 1 {
		t.Fatalf("the L2 channel got %d hand-offs, want exactly 1", n)
	}
}

// Ensure dedup through the real program: a repeat is counted, 200
// concurrent posts of one key make one ticket with 200 occurrences, a
// resolve action resolves it, and a trigger after that opens a new ticket
// linked to the old one.
func TestDedupEndToEnd(t *testing.T) {
	m := MustRunMain(t, testConfig("http://127.0.0.1:1/unused"), t.TempDir())
	a := api{t, m.URL}
	alert := `{"title":"API p95 latency","dedup_key":"%s"}`

	one := a.hook(fmt.Sprintf(alert, "twice")).Results[0]
	two := a.hook(fmt.Sprintf(alert, "twice")).Results[0]
	if one.TicketID != two.TicketID || two.Outcome != "occurrence" || a.ticket(one.TicketID).Occurrences != 2 {
		t.Fatalf("posting twice gave %+v then %+v, want one ticket seen twice", one, two)
	}

	const n = 200
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", m.URL+"/v1/hooks/prom", bytes.NewBufferString(fmt.Sprintf(alert, "storm")))
			req.Header.Set("Authorization", "Bearer prom-token")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				errs <- resp.Status
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent post: %s", e)
	}
	var storm []wire.Ticket
	for _, tk := range a.list("limit=500").Tickets {
		if tk.DedupKey == "storm" {
			storm = append(storm, tk)
		}
	}
	if len(storm) != 1 || storm[0].Occurrences != n {
		t.Fatalf("%d concurrent posts made %d tickets (%+v), want 1 with %d occurrences", n, len(storm), storm, n)
	}

	resolved := a.hook(`{"dedup_key":"storm","action":"resolve"}`).Results[0]
	if resolved.Outcome != "resolved" || a.ticket(storm[0].ID).Status != "resolved" {
		t.Fatalf("resolve action = %+v, want the storm ticket resolved", resolved)
	}
	again := a.hook(fmt.Sprintf(alert, "storm")).Results[0]
	if again.Outcome != "created" || again.TicketID == storm[0].ID || a.ticket(again.TicketID).Previous != storm[0].ID {
		t.Fatalf("trigger after resolve = %+v, want a new ticket following %s", again, storm[0].ID)
	}
}

// Ensure the local runtime refuses an SNS channel at start, saying why,
// instead of failing every hand-off to it.
func TestServeRefusesSNSChannels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	cfg := strings.Replace(testConfig("http://127.0.0.1:1/unused"), "L1: [{kind: log}]", "L1: [{kind: sns}]", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := m.Run(context.Background())
	if err == nil {
		m.Close()
		t.Fatal("Run accepted an SNS channel")
	}
	if !strings.Contains(err.Error(), "delivers only on AWS") {
		t.Fatalf("Run: %v; want it to say SNS delivers only on AWS", err)
	}
}
