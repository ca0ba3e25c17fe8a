package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tierline/tierline/shared/ticket"
)

// SlackMessage is what a Slack incoming webhook receives: Block Kit blocks
// and the text Slack shows in notifications and where blocks cannot be
// shown.
type SlackMessage struct {
	Text   string       `json:"text"`
	Blocks []SlackBlock `json:"blocks"`
	// Slack fetches nothing to preview: the message says all there is,
	// and a preview of a signed link would only show its confirm page.
	UnfurlLinks bool `json:"unfurl_links"`
	UnfurlMedia bool `json:"unfurl_media"`
}

// SlackBlock is one block of a message: header, section, context or
// actions, with the fields of its type.
type SlackBlock struct {
	Type     string        `json:"type"`
	Text     *SlackText    `json:"text,omitempty"`     // header, section
	Fields   []SlackText   `json:"fields,omitempty"`   // section
	Elements []SlackButton `json:"elements,omitempty"` // actions
	// Context is the elements of a context block: text objects, not
	// buttons, so they have a field of their own, sent as "elements".
	Context []SlackText `json:"-"`
}

// MarshalJSON sends a context block's text objects as its elements.
func (b SlackBlock) MarshalJSON() ([]byte, error) {
	type block SlackBlock // without this method
	if b.Type != "context" {
		return json.Marshal(block(b))
	}
	return json.Marshal(struct {
		Type     string      `json:"type"`
		Elements []SlackText `json:"elements"`
	}{b.Type, b.Context})
}

// SlackText is a text object: plain_text or mrkdwn. Verbatim mrkdwn keeps
// Slack from turning bare URLs, channel names and @words into links and
// mentions, so alert text shows as it came.
type SlackText struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Emoji    *bool  `json:"emoji,omitempty"`
	Verbatim bool   `json:"verbatim,omitempty"`
}

// SlackButton is a button that opens a URL.
type SlackButton struct {
	Type     string    `json:"type"`
	Text     SlackText `json:"text"`
	URL      string    `json:"url"`
	ActionID string    `json:"action_id"`
	Style    string    `json:"style,omitempty"`
}

// Slack's documented limits on what tierline sends, in characters
// (Block Kit reference: blocks, text objects, button element).
const (
	SlackMaxBlocks      = 50
	SlackMaxHeader      = 150
	SlackMaxSectionText = 3000
	SlackMaxFields      = 10
	SlackMaxField       = 2000
	SlackMaxContext     = 10
	SlackMaxButtons     = 25
	SlackMaxButtonText  = 75
	SlackMaxURL         = 3000
	slackMaxDescription = 1500 // of a section's 3000: a page is read on a phone
	slackMaxTried       = 10   // entries of "Tried"
	slackMaxLinks       = 5    // the alert's links shown
)

// NewSlackMessage builds the Block Kit message of h with links l. All
// text from the alert is escaped (&, <, >) so that it can make no link
// or mention, and every text is cut to its block's limit.
func NewSlackMessage(h ticket.HandOff, l Links) SlackMessage {
	summary := Summary(h)
	first, rest, _ := strings.Cut(summary, "\n")
	t := h.Ticket
	m := SlackMessage{Text: slackFit(first, SlackMaxSectionText)}
	no := false
	m.Blocks = append(m.Blocks, SlackBlock{Type: "header", Text: &SlackText{Type: "plain_text", Text: slackFit(first, SlackMaxHeader), Emoji: &no}})
	if rest != "" {
		m.Blocks = append(m.Blocks, slackSection(rest))
	}
	if d := strings.TrimSpace(t.Description); d != "" {
		m.Blocks = append(m.Blocks, slackSection(cutRunes(d, slackMaxDescription)))
	}
	m.Blocks = append(m.Blocks, SlackBlock{Type: "section", Fields: slackFields(h)})
	if links := slackAlertLinks(t.Links); links != "" {
		m.Blocks = append(m.Blocks, SlackBlock{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: links, Verbatim: true}})
	}
	ctx := "Ticket " + t.ID + " · " + slackFit(t.Integration, 200)
	if l.Signed() {
		ctx += " · the buttons work without signing in until " + slackDate(l.Expires.Unix(), l.Expires.UTC().Format("2 Jan 15:04 MST"))
	}
	m.Blocks = append(m.Blocks, SlackBlock{Type: "context", Context: []SlackText{{Type: "mrkdwn", Text: ctx, Verbatim: true}}})
	if buttons := slackButtons(l); len(buttons) > 0 {
		m.Blocks = append(m.Blocks, SlackBlock{Type: "actions", Elements: buttons})
	}
	return m
}

// slackSection is a section of untrusted text, escaped and cut.
func slackSection(text string) SlackBlock {
	return SlackBlock{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: slackFit(text, SlackMaxSectionText), Verbatim: true}}
}

// slackFields are the facts of a hand-off, two columns of label and value.
func slackFields(h ticket.HandOff) []SlackText {
	t := h.Ticket
	field := func(label, value string) SlackText {
		return SlackText{Type: "mrkdwn", Text: "*" + label + "*\n" + slackFit(value, SlackMaxField-len(label)-3), Verbatim: true}
	}
	tier := h.Tier.String()
	if h.From != 0 {
		tier += " (from " + h.From.String() + ")"
	}
	out := []SlackText{field("Priority", t.Priority.String()), field("Tier", tier), field("Status", string(t.Status))}
	if !t.AcknowledgeBy.IsZero() && t.Status == ticket.StatusOpen {
		out = append(out, SlackText{Type: "mrkdwn", Text: "*Acknowledge by*\n" + slackDate(t.AcknowledgeBy.Unix(), t.AcknowledgeBy.UTC().Format("15:04 MST")), Verbatim: true})
	}
	if t.Assignee != "" {
		out = append(out, field("Assignee", t.Assignee))
	}
	if t.Occurrences > 1 {
		out = append(out, field("Seen", fmt.Sprintf("%d times", t.Occurrences)))
	}
	if t.Source != "" {
		out = append(out, field("Source", t.Source))
	}
	return out[:min(len(out), SlackMaxFields)]
}

// slackAlertLinks are the alert's own links, as Slack links: only http and
// https URLs, and only those Slack's link syntax cannot be broken out of.
func slackAlertLinks(links []ticket.Link) string {
	var parts []string
	for _, lk := range links {
		u, err := url.Parse(lk.Href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(lk.Href, "<>| \t\n") {
			continue
		}
		text := lk.Text
		if text == "" {
			text = u.Host
		}
		parts = append(parts, "<"+strings.ReplaceAll(lk.Href, "&", "&amp;")+"|"+slackFit(strings.ReplaceAll(text, "|", "/"), 100)+">")
		if len(parts) == slackMaxLinks {
			break
		}
	}
	return strings.Join(parts, " · ")
}

// slackButtons are the hand-off's links as buttons, the one that acts first.
func slackButtons(l Links) []SlackButton {
	var out []SlackButton
	add := func(id, text, u, style string) {
		if u != "" && utf8.RuneCountInString(u) <= SlackMaxURL {
			out = append(out, SlackButton{Type: "button", Text: SlackText{Type: "plain_text", Text: text}, URL: u, ActionID: "tierline-" + id, Style: style})
		}
	}
	add("acknowledge", "Acknowledge", l.Acknowledge, "primary")
	add("view", "See it now", l.View, "")
	add("console", "Open in the console", l.Console, "")
	return out
}

// slackDate shows unix time in each reader's own time zone, with fallback
// for clients that cannot.
func slackDate(unix int64, fallback string) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", unix, fallback)
}

// slackFit escapes s for Slack and cuts it to at most n characters as
// Slack counts them, on a rune boundary and never inside an entity,
// marking a cut with "…".
func slackFit(s string, n int) string {
	esc := SlackEscape(s)
	if utf8.RuneCountInString(esc) <= n {
		return esc
	}
	var b strings.Builder
	count := 0
	for _, r := range s {
		piece := SlackEscape(string(r))
		if count+utf8.RuneCountInString(piece) > n-1 {
			break
		}
		b.WriteString(piece)
		count += utf8.RuneCountInString(piece)
	}
	return b.String() + "…"
}

// cutRunes cuts s to at most n runes, marking a cut with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
