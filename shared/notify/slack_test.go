package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// slackHook is a local receiver that answers as a Slack incoming webhook
// does: 200 "ok" for a message it takes, 400 "invalid_blocks" for one
// whose blocks break the Block Kit rules (checkSlack), and, for the
// answers given, those in turn.
type slackHook struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  [][]byte
	answers []func(w http.ResponseWriter)
}

func newSlackHook(t *testing.T, answers ...func(w http.ResponseWriter)) *slackHook {
	h := &slackHook{answers: answers}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, body)
		n := len(h.bodies)
		h.mu.Unlock()
		if n <= len(h.answers) {
			h.answers[n-1](w)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		if err := checkSlack(body); err != nil {
			t.Errorf("Slack would refuse the message: %v\n%s", err, body)
			http.Error(w, "invalid_blocks", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(h.Close)
	return h
}

// checkSlack reads body as Slack's own Go client (slack-go) does and
// holds it to Block Kit's documented rules: known block and element
// types, valid text objects, and every limit tierline's messages touch.
func checkSlack(body []byte) error {
	var m slack.WebhookMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("slack-go cannot read it: %w", err)
	}
	if m.Text == "" || m.Blocks == nil || len(m.Blocks.BlockSet) == 0 {
		return fmt.Errorf("want notification text and blocks")
	}
	if n := len(m.Blocks.BlockSet); n > notify.SlackMaxBlocks {
		return fmt.Errorf("%d blocks, over %d", n, notify.SlackMaxBlocks)
	}
	text := func(what string, o *slack.TextBlockObject, max int) error {
		if o == nil {
			return fmt.Errorf("%s has no text", what)
		}
		if err := o.Validate(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n := utf8.RuneCountInString(o.Text); n > max {
			return fmt.Errorf("%s is %d characters, over %d", what, n, max)
		}
		return nil
	}
	ids := map[string]bool{}
	for i, b := range m.Blocks.BlockSet {
		what := fmt.Sprintf("block %d (%s)", i, b.BlockType())
		var err error
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if b.Text != nil && b.Text.Type != slack.PlainTextType {
				return fmt.Errorf("%s: a header's text is plain_text", what)
			}
			err = text(what, b.Text, notify.SlackMaxHeader)
		case *slack.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				return fmt.Errorf("%s: a section needs text or fields", what)
			}
			if b.Text != nil {
				err = text(what, b.Text, notify.SlackMaxSectionText)
			}
			if len(b.Fields) > notify.SlackMaxFields {
				return fmt.Errorf("%s: %d fields, over %d", what, len(b.Fields), notify.SlackMaxFields)
			}
			for j, f := range b.Fields {
				err = errorsJoin(err, text(fmt.Sprintf("%s field %d", what, j), f, notify.SlackMaxField))
			}
		case *slack.ContextBlock:
			if n := len(b.ContextElements.Elements); n == 0 || n > notify.SlackMaxContext {
				return fmt.Errorf("%s: %d elements, want 1 to %d", what, n, notify.SlackMaxContext)
			}
			for _, e := range b.ContextElements.Elements {
				o, ok := e.(*slack.TextBlockObject)
				if !ok {
					return fmt.Errorf("%s: element %T, want text", what, e)
				}
				err = errorsJoin(err, text(what, o, notify.SlackMaxSectionText))
			}
		case *slack.ActionBlock:
			els := b.Elements.ElementSet
			if len(els) == 0 || len(els) > notify.SlackMaxButtons {
				return fmt.Errorf("%s: %d elements, want 1 to %d", what, len(els), notify.SlackMaxButtons)
			}
			for _, e := range els {
				btn, ok := e.(*slack.ButtonBlockElement)
				if !ok {
					return fmt.Errorf("%s: element %T, want buttons", what, e)
				}
				if err := text(what+" button", btn.Text, notify.SlackMaxButtonText); err != nil {
					return err
				}
				if btn.Text.Type != slack.PlainTextType || btn.URL == "" || utf8.RuneCountInString(btn.URL) > notify.SlackMaxURL ||
					btn.ActionID == "" || len(btn.ActionID) > 255 || ids[btn.ActionID] {
					return fmt.Errorf("%s: button %+v: want plain text, a URL of at most 3000, a unique action_id", what, btn)
				}
				if btn.Style != "" && btn.Style != slack.StylePrimary && btn.Style != slack.StyleDanger {
					return fmt.Errorf("%s: style %q", what, btn.Style)
				}
				ids[btn.ActionID] = true
			}
		default:
			return fmt.Errorf("%s: slack-go does not know it (%T)", what, b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Ensure a slack channel posts a Block Kit message Slack takes: the
// hand-off, its facts and its links as buttons, in the golden shape.
func TestSlackMessage(t *testing.T) {
	t.Parallel()
	hook := newSlackHook(t)
	ch := policy.Channel{Name: "oncall-slack", Kind: "slack", URL: hook.URL}
	if err := linked().Deliver(context.Background(), ch, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	body := hook.bodies[0]
	var m slack.WebhookMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	blocks := m.Blocks.BlockSet
	if h, ok := blocks[0].(*slack.HeaderBlock); !ok || !strings.HasPrefix(h.Text.Text, "[L2] P1 Disk full &lt;!channel&gt; &amp; more") {
		t.Errorf("first block %+v, want the header with the tier, priority and escaped title", blocks[0])
	}
	actions, ok := blocks[len(blocks)-1].(*slack.ActionBlock)
	if !ok || len(actions.Elements.ElementSet) != 3 {
		t.Fatalf("last block %+v, want three buttons", blocks[len(blocks)-1])
	}
	var labels []string
	for _, e := range actions.Elements.ElementSet {
		b := e.(*slack.ButtonBlockElement)
		labels = append(labels, b.Text.Text+" "+b.URL[:strings.LastIndexByte(b.URL, '/')+1])
	}
	want := "Acknowledge https://tierline.example/a/|See it now https://tierline.example/a/|Open in the console https://tierline.example/console/tickets/"
	if strings.Join(labels, "|") != want {
		t.Errorf("buttons %q, want %q", labels, want)
	}
	for _, part := range []string{"Escalated from L1: escalated by alice", "Hand-off note: still 97% after cleanup", "Tried: cleared /tmp (alice)",
		"*Tier*\nL2 (from L1)", "*Acknowledge by*\n<!date^", "without signing in until <!date^"} {
		if !strings.Contains(string(body), strings.ReplaceAll(strings.ReplaceAll(part, "\n", `\n`), "<", `\u003c`)) {
			t.Errorf("message lacks %q", part)
		}
	}
	golden(t, "slack.json", body)
}

// Ensure alert text can make no link, mention or broadcast in Slack, and
// that the alert's own http links become links while others do not.
func TestSlackEscapes(t *testing.T) {
	t.Parallel()
	hostile := "<!channel> <@U024BE7LH> <https://evil.example|click me> & <#C024BE7LR>"
	h := openHandOff(t, hostile)
	h.Ticket.Description = "see <https://evil.example|here> & <!here>"
	h.Ticket.Links = append(h.Ticket.Links, ticket.Link{Href: "https://evil.example/x|<!channel>", Text: "pipe"})
	m := notify.NewSlackMessage(h, linked().Links(policy.Channel{Name: "s", Kind: "slack"}, h))
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSlack(body); err != nil {
		t.Fatal(err)
	}
	var all []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && (k == "text") {
					all = append(all, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	var tree any
	json.Unmarshal(body, &tree)
	walk(tree)
	joined := strings.Join(all, "\n")
	for _, bad := range []string{"<!channel>", "<@U", "<#C", "<https://evil", "<!here>", "evil.example/x|"} {
		if strings.Contains(joined, bad) {
			t.Errorf("a text carries %q unescaped:\n%s", bad, joined)
		}
	}
	if !strings.Contains(joined, "<https://grafana.example/d/disk?var-host=db-1&amp;from=now-1h|Disk dashboard>") {
		t.Errorf("the alert's dashboard link is missing or unescaped:\n%s", joined)
	}
	if strings.Contains(joined, "javascript:") {
		t.Errorf("a javascript: link became a Slack link:\n%s", joined)
	}
}

// Ensure the longest alert a ticket keeps still makes a message Slack
// takes: every text cut to its block's limit, never inside an entity.
func TestSlackLimits(t *testing.T) {
	t.Parallel()
	h := openHandOff(t, strings.Repeat("&<>", 1000))
	h.Ticket.Description = strings.Repeat("description & more <", 3500)
	h.Ticket.Source = strings.Repeat("é", 1024)
	h.Ticket.Assignee = strings.Repeat("a", 256)
	h.Note = strings.Repeat("n", 8<<10)
	for range 30 {
		h.Tried = append(h.Tried, ticket.Event{Kind: ticket.EventNoted, Actor: "ops", Note: strings.Repeat("tried ", 1000)})
	}
	for i := range 32 {
		h.Ticket.Links = append(h.Ticket.Links, ticket.Link{Href: fmt.Sprintf("https://grafana.example/d/%d", i), Text: strings.Repeat("t", 256)})
	}
	body, err := json.Marshal(notify.NewSlackMessage(h, linked().Links(policy.Channel{Name: "s", Kind: "slack"}, h)))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSlack(body); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), `&am…`) || strings.Contains(string(body), `&l…`) {
		t.Error("a cut fell inside an entity")
	}
}

// Ensure Slack's refusals are final and its rate limit is waited out as
// it asks, up to a bound.
func TestSlackAnswers(t *testing.T) {
	t.Parallel()
	refuse := func(status int, text string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) { http.Error(w, text, status) }
	}
	limited := func(after string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", after)
			http.Error(w, "rate_limited", http.StatusTooManyRequests)
		}
	}
	tests := []struct {
		name    string
		answers []func(w http.ResponseWriter)
		calls   int
		wait    time.Duration // the longest wait wanted
		err     string
	}{
		{name: "invalid_blocks_is_final", answers: []func(http.ResponseWriter){refuse(400, "invalid_blocks")}, calls: 1, err: `400 Bad Request ("invalid_blocks")`},
		{name: "archived_channel_is_final", answers: []func(http.ResponseWriter){refuse(410, "channel_is_archived")}, calls: 1, err: `"channel_is_archived"`},
		{name: "rate_limit_waited_out", answers: []func(http.ResponseWriter){limited("3")}, calls: 2, wait: 3 * time.Second},
		{name: "long_rate_limit_left_to_the_queue", answers: []func(http.ResponseWriter){limited("60")}, calls: 1, err: "429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hook := newSlackHook(t, tt.answers...)
			var waits []time.Duration
			d := linked()
			d.Sleep = func(_ context.Context, w time.Duration) error { waits = append(waits, w); return nil }
			err := d.Deliver(context.Background(), policy.Channel{Name: "s", Kind: "slack", URL: hook.URL}, escalatedHandOff(t))
			if len(hook.bodies) != tt.calls || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("%d calls, err %v; want %d calls and an error with %q", len(hook.bodies), err, tt.calls, tt.err)
			}
			if tt.wait > 0 && (len(waits) != 1 || waits[0] < tt.wait) {
				t.Errorf("waits %v, want one of at least %s", waits, tt.wait)
			}
		})
	}
}
