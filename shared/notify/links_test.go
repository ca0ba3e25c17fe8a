package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// signer signs the links of the tests' deliveries with a fixed key.
var signer = actionlink.New(policy.NewLinkKey("notify-test-secret-0123456789abcdef"), 2*time.Hour)

// linked is a Deliverer with action links on a fixed clock.
func linked() *notify.Deliverer {
	return &notify.Deliverer{BaseURL: "https://tierline.example/", Signer: signer, Now: func() time.Time { return at.Add(3 * time.Minute) },
		Sleep: func(context.Context, time.Duration) error { return nil }}
}

// openHandOff is notice 1 of an open ticket with a description and links.
func openHandOff(t *testing.T, title string) ticket.HandOff {
	t.Helper()
	tk, err := ticket.New("0c7g2m4x9k3t1p", "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: title,
		Description: "/var at 97% on db-1", Severity: "warning", Source: "db-1",
		Links: []ticket.Link{{Href: "https://grafana.example/d/disk?var-host=db-1&from=now-1h", Text: "Disk dashboard"}, {Href: "javascript:alert(1)", Text: "x"}}},
		ticket.Placement{Tier: ticket.L1, Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: time.Hour}}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	h, ok := tk.HandOff(1)
	if !ok {
		t.Fatal("no hand-off 1")
	}
	return h
}

// Ensure each delivery gets the console link and signed links that open
// to its ticket, notice and channel, and that a hand-off that asks for no
// acknowledgement carries no acknowledge link.
func TestLinks(t *testing.T) {
	t.Parallel()
	d := linked()
	ch := policy.Channel{Name: "oncall-slack", Kind: "slack"}
	l := d.Links(ch, escalatedHandOff(t))
	if l.Console != "https://tierline.example/console/tickets/0c7g2m4x9k3t1p" || l.API != "https://tierline.example/v1/tickets/0c7g2m4x9k3t1p" {
		t.Fatalf("links %+v, want the console page and the API", l)
	}
	open := func(u string, action actionlink.Action) {
		t.Helper()
		tok, ok := strings.CutPrefix(u, "https://tierline.example/a/")
		if !ok {
			t.Fatalf("link %q is not under /a/", u)
		}
		got, err := signer.Open(tok, at.Add(4*time.Minute))
		want := actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: action, Notice: 2, Channel: "oncall-slack", Expires: at.Add(2*time.Hour + 3*time.Minute)}
		if err != nil || got != want {
			t.Errorf("link opens to %+v, %v; want %+v", got, err, want)
		}
	}
	open(l.Acknowledge, actionlink.Acknowledge)
	open(l.View, actionlink.View)
	if !l.Expires.Equal(at.Add(2*time.Hour + 3*time.Minute)) {
		t.Errorf("Expires = %s", l.Expires)
	}

	late := lateHandOff(t)
	if l := d.Links(ch, late); l.Acknowledge != "" || l.View == "" {
		t.Errorf("a late page's links %+v: want a view link and no acknowledge link", l)
	}
	taken := escalatedHandOff(t)
	taken.Ticket.Status = ticket.StatusAcknowledged
	if l := d.Links(ch, taken); l.Acknowledge != "" {
		t.Errorf("an acknowledged ticket's hand-off has an acknowledge link %q", l.Acknowledge)
	}
	if l := (&notify.Deliverer{BaseURL: "https://tierline.example"}).Links(ch, taken); l.Signed() || l.Console == "" {
		t.Errorf("without a signer: %+v, want the console link only", l)
	}
	if l := (&notify.Deliverer{Signer: signer}).Links(ch, taken); l != (notify.Links{}) {
		t.Errorf("without a base URL: %+v, want no links", l)
	}
}

// Ensure the webhook JSON carries the console page, the API and the
// signed links, and its text lists them.
func TestWebhookActions(t *testing.T) {
	t.Parallel()
	h := newHook(t)
	if err := linked().Deliver(context.Background(), policy.Channel{Name: "l2", Kind: "webhook", URL: h.URL}, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	var m notify.Message
	if err := json.Unmarshal(h.bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	a := m.Tierline.Actions
	if a == nil || !strings.HasPrefix(a.Acknowledge, "https://tierline.example/a/") || !strings.HasPrefix(a.View, "https://tierline.example/a/") ||
		m.Tierline.URL != "https://tierline.example/console/tickets/0c7g2m4x9k3t1p" || m.Tierline.APIURL != "https://tierline.example/v1/tickets/0c7g2m4x9k3t1p" {
		t.Fatalf("hand-off links: url %q api_url %q actions %+v", m.Tierline.URL, m.Tierline.APIURL, a)
	}
	for _, want := range []string{"Acknowledge (no sign-in needed): " + a.Acknowledge, "See it now (no sign-in needed): " + a.View,
		"Open in the console: https://tierline.example/console/tickets/0c7g2m4x9k3t1p", "work until 23 Nov 2026 11:03 UTC"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text %q lacks %q", m.Text, want)
		}
	}
	golden(t, "webhook.json", h.bodies[0])
}

// Ensure the log channel's line carries the links, so that the demo's
// hand-offs can be acted on from the server's log.
func TestLogActions(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	d := linked()
	d.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	if err := d.Deliver(context.Background(), policy.Channel{Name: "log", Kind: "log"}, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"acknowledge_url", "view_url"} {
		if u, _ := line[k].(string); !strings.HasPrefix(u, "https://tierline.example/a/") {
			t.Errorf("log line %s: %s = %q", buf.Bytes(), k, u)
		}
	}
	if line["url"] != "https://tierline.example/console/tickets/0c7g2m4x9k3t1p" {
		t.Errorf("log line url = %v", line["url"])
	}
}

// golden compares got, indented, with testdata/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./shared/notify -update to write it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the golden file (go test ./shared/notify -update rewrites it); got:\n%s", path, buf.Bytes())
	}
}
