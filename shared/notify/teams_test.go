package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// teamsHook is a local receiver that answers as a Teams Workflows webhook
// does: 202 Accepted for a message with an Adaptive Card attachment, 400
// for anything else.
type teamsHook struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newTeamsHook(t *testing.T) *teamsHook {
	h := &teamsHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, body)
		h.mu.Unlock()
		if err := checkTeamsEnvelope(body); err != nil {
			t.Errorf("Teams would refuse the message: %v\n%s", err, body)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.Close)
	return h
}

// checkTeamsEnvelope holds body to the shape a Workflows webhook takes:
// {"type": "message", "attachments": [{"contentType":
// "application/vnd.microsoft.card.adaptive", "contentUrl": null,
// "content": {an AdaptiveCard of version 1.4 or later}}]}, within the
// 28 KB a Teams message may have, with text and facts filled in and only
// Action.OpenUrl buttons, each with a title and an https or http URL.
func checkTeamsEnvelope(body []byte) error {
	if len(body) > notify.TeamsMaxMessage {
		return fmt.Errorf("%d bytes, over Teams' %d", len(body), notify.TeamsMaxMessage)
	}
	var m struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  json.RawMessage `json:"contentUrl"`
			Content     struct {
				Schema  string `json:"$schema"`
				Type    string `json:"type"`
				Version string `json:"version"`
				Body    []struct {
					Type  string `json:"type"`
					Text  string `json:"text"`
					Facts []struct{ Title, Value string }
				} `json:"body"`
				Actions []struct {
					Type, Title, URL string
				} `json:"actions"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	if m.Type != "message" || len(m.Attachments) != 1 {
		return fmt.Errorf("want a message with one attachment, got type %q and %d", m.Type, len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.ContentType != notify.TeamsCardType || string(a.ContentURL) != "null" {
		return fmt.Errorf("attachment contentType %q contentUrl %s", a.ContentType, a.ContentURL)
	}
	c := a.Content
	if c.Type != "AdaptiveCard" || c.Version < "1.4" || c.Schema != "http://adaptivecards.io/schemas/adaptive-card.json" || len(c.Body) == 0 {
		return fmt.Errorf("content: type %q version %q schema %q, %d elements", c.Type, c.Version, c.Schema, len(c.Body))
	}
	for i, e := range c.Body {
		switch {
		case e.Type == "TextBlock" && e.Text != "":
		case e.Type == "FactSet" && len(e.Facts) > 0:
			for _, f := range e.Facts {
				if f.Title == "" || f.Value == "" {
					return fmt.Errorf("element %d: a fact without title or value", i)
				}
			}
		default:
			return fmt.Errorf("element %d: %s without content", i, e.Type)
		}
	}
	for _, act := range c.Actions {
		if act.Type != "Action.OpenUrl" || act.Title == "" || !(strings.HasPrefix(act.URL, "https://") || strings.HasPrefix(act.URL, "http://")) {
			return fmt.Errorf("action %+v", act)
		}
	}
	return nil
}

// adaptiveCardProblems is what Microsoft's Adaptive Cards library finds
// wrong with the card in a Teams message body (infra/check-adaptive-card.mjs).
func adaptiveCardProblems(t *testing.T, body []byte) []string {
	t.Helper()
	node := testenv.Node22(t)
	testenv.Infra(t, "adaptivecards/package.json")
	var m notify.TeamsMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	card, err := json.Marshal(m.Attachments[0].Content)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(testenv.Root(t), "infra", "check-adaptive-card.mjs"))
	cmd.Stdin = bytes.NewReader(card)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check-adaptive-card: %v", err)
	}
	var res struct {
		Parse, Validation []string
		Version           string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check-adaptive-card said %s: %v", out, err)
	}
	if res.Version != "1.4" {
		t.Errorf("the library read version %q, want 1.4", res.Version)
	}
	return append(res.Parse, res.Validation...)
}

// Ensure a teams channel posts the hand-off as an Adaptive Card that
// Microsoft's library reads without a problem, in the golden shape.
func TestTeamsMessage(t *testing.T) {
	t.Parallel()
	hook := newTeamsHook(t)
	ch := policy.Channel{Name: "oncall-teams", Kind: "teams", URL: hook.URL}
	if err := linked().Deliver(context.Background(), ch, escalatedHandOff(t)); err != nil {
		t.Fatal(err)
	}
	body := hook.bodies[0]
	var m notify.TeamsMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	card := m.Attachments[0].Content
	if got := card.Body[0].Text; !strings.HasPrefix(got, `\[L2\] P1 Disk full \<\!channel\> & more`) {
		t.Errorf("title %q, want the tier, priority and escaped title", got)
	}
	var titles []string
	for _, a := range card.Actions {
		titles = append(titles, a.Title)
	}
	if strings.Join(titles, "|") != "Acknowledge|See it now|Open in the console" || !strings.Contains(card.Actions[0].URL, "/a/") {
		t.Errorf("actions %+v", card.Actions)
	}
	if p := adaptiveCardProblems(t, body); len(p) > 0 {
		t.Errorf("the Adaptive Cards library finds: %q", p)
	}
	golden(t, "teams.json", body)
}

// Ensure alert text cannot make Markdown in a card (links, emphasis,
// lists, the card's date functions), and a huge alert still fits Teams'
// 28 KB.
func TestTeamsEscapesAndLimits(t *testing.T) {
	t.Parallel()
	h := openHandOff(t, "[click](https://evil.example) **bold** {{DATE(2017-02-14T06:08:39Z, SHORT)}}")
	h.Ticket.Description = strings.Repeat("- item _x_ <b>\n", 5000)
	h.Note = strings.Repeat("n", 8<<10)
	for range 30 {
		h.Tried = append(h.Tried, ticket.Event{Kind: ticket.EventNoted, Actor: "ops", Note: strings.Repeat("tried ", 1000)})
	}
	for i := range 32 {
		h.Ticket.Links = append(h.Ticket.Links, ticket.Link{Href: fmt.Sprintf("https://grafana.example/d/(%d)", i), Text: "[x](y)"})
	}
	body, err := json.Marshal(notify.NewTeamsMessage(h, linked().Links(policy.Channel{Name: "t", Kind: "teams"}, h)))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTeamsEnvelope(body); err != nil {
		t.Fatal(err)
	}
	var m notify.TeamsMessage
	json.Unmarshal(body, &m)
	title := m.Attachments[0].Content.Body[0].Text
	for _, bad := range []string{"[click](", "**bold**", "{{DATE(2017"} {
		if strings.Contains(title, bad) {
			t.Errorf("title %q keeps Markdown %q", title, bad)
		}
	}
	if !strings.Contains(string(body), `[Disk dashboard](https://grafana.example/d/disk?var-host=db-1\u0026from=now-1h)`) ||
		!strings.Contains(string(body), `[\\[x\\]\\(y\\)](https://grafana.example/d/%280%29)`) {
		t.Errorf("the alert's links are not Markdown links with escaped text and encoded URLs:\n%s", body)
	}
	if strings.Contains(string(body), "javascript:") {
		t.Error("a javascript: link became a card link")
	}
	if p := adaptiveCardProblems(t, body); len(p) > 0 {
		t.Errorf("the Adaptive Cards library finds: %q", p)
	}
}
