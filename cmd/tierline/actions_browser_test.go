package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/tierline/tierline/internal/testenv"
)

// slackReceiver is a Slack incoming webhook on loopback: it keeps each
// message as Slack's Go client reads it and answers "ok".
type slackReceiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []slack.WebhookMessage
}

func newSlackReceiver(tb testing.TB) *slackReceiver {
	r := &slackReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m slack.WebhookMessage
		if err := json.NewDecoder(req.Body).Decode(&m); err != nil {
			tb.Errorf("slack receiver: %v", err)
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, m)
		r.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	tb.Cleanup(r.Close)
	return r
}

// button is the URL of the button labelled text of the first message.
func (r *slackReceiver) button(tb testing.TB, text string) string {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.got[0].Blocks.BlockSet {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.Text.Text == text {
					return btn.URL
				}
			}
		}
	}
	tb.Fatalf("the Slack message has no %q button", text)
	return ""
}

func (r *slackReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func actionsConfig(slackURL string) string {
	return fmt.Sprintf(`
integrations:
  - {name: prom, kind: generic, token: prom-token}
action_links: {secret: actions-secret-for-the-browser-test-0123456789}
channels:
  L1: [{name: oncall-slack, kind: slack, url: %q}]
api_keys:
  - {name: ops, key: ops-key}
`, slackURL)
}

// ackReport is what testdata/browser/acklink.mjs saw.
type ackReport struct {
	Gets []struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
	} `json:"gets"`
	ConfirmTitle string `json:"confirmTitle"`
	Scripts      int    `json:"scripts"`
	Post         struct {
		Method string `json:"method"`
		Origin string `json:"origin"`
		Status int    `json:"status"`
	} `json:"post"`
	Heading       string   `json:"heading"`
	Message       string   `json:"message"`
	ConsoleLink   string   `json:"consoleLink"`
	Dialogs       []string `json:"dialogs"`
	ConsoleErrors []string `json:"consoleErrors"`
}

// Ensure a hand-off's Acknowledge button works from a phone without
// signing in, in a real browser: the running program posts the hand-off
// to a Slack webhook, Chromium opens the button's link (twice: a
// previewer's fetch acts on nothing), types a name on the confirm page,
// presses Acknowledge, and the ticket is acknowledged by the link, for
// that name; an alert title of markup shows as text throughout.
func TestActionLinkInBrowser(t *testing.T) {
	chromium := testenv.Command(t, "chromium", "apt-get install chromium (scripts/test-deps.sh)")
	playwright := filepath.Dir(testenv.Infra(t, "playwright-core/package.json"))
	node := testenv.Node22(t)
	rcv := newSlackReceiver(t)
	m := MustRunMain(t, actionsConfig(rcv.URL), t.TempDir())
	a := api{t, m.URL}
	title := `<script>alert(1)</script> Disk full on db-1`
	body, _ := json.Marshal(map[string]string{"title": title, "dedup_key": "disk-db-1"})
	id := a.hook(string(body)).Results[0].TicketID
	eventually(t, 10*time.Second, "the Slack hand-off", func() bool { return rcv.count() > 0 })
	link := rcv.button(t, "Acknowledge")
	if !strings.HasPrefix(link, m.URL+"/a/") {
		t.Fatalf("Acknowledge button %q, want a link of %s/a/", link, m.URL)
	}
	// The hand-off's delivery is recorded after the receiver answers: wait
	// for that write, so the acknowledge below is the only one that follows.
	eventually(t, 10*time.Second, "the hand-off's delivery recorded", func() bool {
		for _, e := range a.ticket(id).Timeline {
			if e.Kind == "notified" {
				return true
			}
		}
		return false
	})
	before := a.ticket(id).Version

	shot := os.Getenv("TIERLINE_SCREENSHOT") // where to keep a picture of the confirm page, for the README
	plan, _ := json.Marshal(map[string]any{"playwright": playwright, "chromium": chromium, "userDataDir": t.TempDir(),
		"url": link, "name": "alice", "screenshot": shot, "timeoutMs": 60000})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "browser", "acklink.mjs"), string(plan))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("acklink.mjs: %v\n%s", err, stderr.String())
	}
	var r ackReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("acklink.mjs printed %q: %v", stdout.String(), err)
	}

	if len(r.Gets) != 2 || r.Gets[0].Status != 200 || r.Gets[1].Status != 200 || r.Gets[0].Title != "Acknowledge "+id+" · tierline" {
		t.Errorf("the link's pages %+v, want the confirm page twice", r.Gets)
	}
	if r.ConfirmTitle != title || r.Scripts != 0 || len(r.Dialogs) != 0 || len(r.ConsoleErrors) != 0 {
		t.Errorf("confirm page shows %q with %d scripts, dialogs %q, console errors %q; want the title as text and nothing run",
			r.ConfirmTitle, r.Scripts, r.Dialogs, r.ConsoleErrors)
	}
	if r.Post.Method != "POST" || r.Post.Origin != m.URL || r.Post.Status != 200 || r.Heading != "Acknowledged: it is yours" ||
		r.ConsoleLink != m.URL+"/console/tickets/"+id {
		t.Errorf("after the button: %+v, heading %q, console link %q", r.Post, r.Heading, r.ConsoleLink)
	}
	tk := a.ticket(id)
	last := tk.Timeline[len(tk.Timeline)-1]
	if tk.Status != "acknowledged" || tk.Version != before+1 || tk.Assignee != "alice" || last.Actor != "link:L1/oncall-slack" || last.OnBehalf != "alice" {
		t.Fatalf("ticket %s v%d (was v%d) assigned %q, last event %+v; want one write: acknowledged by the link for alice",
			tk.Status, tk.Version, before, tk.Assignee, last)
	}
}
