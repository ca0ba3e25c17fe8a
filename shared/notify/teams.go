package notify

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// TeamsMessage is what a Teams Workflows webhook ("When a Teams webhook
// request is received", then "Post card in a chat or channel") receives:
// a message with one Adaptive Card attachment.
type TeamsMessage struct {
	Type        string            `json:"type"` // "message"
	Attachments []TeamsAttachment `json:"attachments"`
}

// TeamsAttachment holds the card.
type TeamsAttachment struct {
	ContentType string       `json:"contentType"` // TeamsCardType
	ContentURL  *string      `json:"contentUrl"`  // null: the card is inline
	Content     AdaptiveCard `json:"content"`
}

// TeamsCardType is the content type of an Adaptive Card attachment.
const TeamsCardType = "application/vnd.microsoft.card.adaptive"

// AdaptiveCard is an Adaptive Card of version 1.4, which Teams renders,
// with Action.OpenUrl buttons.
type AdaptiveCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"` // "AdaptiveCard"
	Version string         `json:"version"`
	Body    []CardElement  `json:"body"`
	Actions []CardAction   `json:"actions,omitempty"`
	MSTeams map[string]any `json:"msteams,omitempty"`
}

// CardElement is a TextBlock or a FactSet.
type CardElement struct {
	Type     string     `json:"type"`
	Text     string     `json:"text,omitempty"`
	Wrap     bool       `json:"wrap,omitempty"`
	Weight   string     `json:"weight,omitempty"`
	Size     string     `json:"size,omitempty"`
	Style    string     `json:"style,omitempty"`
	IsSubtle bool       `json:"isSubtle,omitempty"`
	Facts    []CardFact `json:"facts,omitempty"`
}

// CardFact is one title and value of a FactSet.
type CardFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// CardAction is an Action.OpenUrl.
type CardAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
	Style string `json:"style,omitempty"`
}

// Teams limits what tierline keeps under: a message of at most 28 KB, so
// the card's text is bounded well within it.
const (
	TeamsMaxMessage     = 28 << 10
	teamsMaxTitle       = 300
	teamsMaxText        = 3000
	teamsMaxDescription = 1500
)

// NewTeamsMessage builds the Adaptive Card of h with links l. TextBlocks
// and facts read Markdown, so all text from the alert has its Markdown
// characters escaped with a backslash: it cannot make links, emphasis or
// lists.
func NewTeamsMessage(h ticket.HandOff, l Links) TeamsMessage {
	t := h.Ticket
	first, rest, _ := strings.Cut(Summary(h), "\n")
	card := AdaptiveCard{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4",
		MSTeams: map[string]any{"width": "Full"}}
	card.Body = append(card.Body, CardElement{Type: "TextBlock", Text: TeamsEscape(cutRunes(first, teamsMaxTitle)),
		Wrap: true, Weight: "Bolder", Size: "Medium", Style: "heading"})
	for _, text := range []string{rest, strings.TrimSpace(t.Description)} {
		if text == "" {
			continue
		}
		max := teamsMaxText
		if text != rest {
			max = teamsMaxDescription
		}
		// Markdown needs a blank line for a line break.
		text = strings.ReplaceAll(TeamsEscape(cutRunes(text, max)), "\n", "\n\n")
		card.Body = append(card.Body, CardElement{Type: "TextBlock", Text: text, Wrap: true})
	}
	card.Body = append(card.Body, CardElement{Type: "FactSet", Facts: teamsFacts(h)})
	if links := teamsAlertLinks(t.Links); links != "" {
		card.Body = append(card.Body, CardElement{Type: "TextBlock", Text: links, Wrap: true})
	}
	note := "Ticket " + t.ID + " · " + TeamsEscape(t.Integration)
	if l.Signed() {
		note += " · the buttons work without signing in until " + teamsTime(l.Expires)
	}
	card.Body = append(card.Body, CardElement{Type: "TextBlock", Text: note, Wrap: true, IsSubtle: true, Size: "Small"})
	add := func(title, u, style string) {
		if u != "" {
			card.Actions = append(card.Actions, CardAction{Type: "Action.OpenUrl", Title: title, URL: u, Style: style})
		}
	}
	add("Acknowledge", l.Acknowledge, "positive")
	add("See it now", l.View, "")
	add("Open in the console", l.Console, "")
	return TeamsMessage{Type: "message", Attachments: []TeamsAttachment{{ContentType: TeamsCardType, Content: card}}}
}

// teamsFacts are the facts of a hand-off.
func teamsFacts(h ticket.HandOff) []CardFact {
	t := h.Ticket
	tier := h.Tier.String()
	if h.From != 0 {
		tier += " (from " + h.From.String() + ")"
	}
	facts := []CardFact{{"Priority", t.Priority.String()}, {"Tier", tier}, {"Status", string(t.Status)}}
	if !t.AcknowledgeBy.IsZero() && t.Status == ticket.StatusOpen {
		facts = append(facts, CardFact{"Acknowledge by", teamsTime(t.AcknowledgeBy)})
	}
	if t.Assignee != "" {
		facts = append(facts, CardFact{"Assignee", TeamsEscape(cutRunes(t.Assignee, teamsMaxTitle))})
	}
	if t.Occurrences > 1 {
		facts = append(facts, CardFact{"Seen", fmt.Sprintf("%d times", t.Occurrences)})
	}
	if t.Source != "" {
		facts = append(facts, CardFact{"Source", TeamsEscape(cutRunes(t.Source, teamsMaxTitle))})
	}
	return facts
}

// teamsAlertLinks are the alert's http and https links as Markdown links,
// their texts escaped and their URLs percent-encoded where Markdown would
// end them.
func teamsAlertLinks(links []ticket.Link) string {
	var parts []string
	for _, lk := range links {
		u, err := url.Parse(lk.Href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		text := lk.Text
		if text == "" {
			text = u.Host
		}
		href := strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(lk.Href)
		parts = append(parts, "["+TeamsEscape(cutRunes(text, 100))+"]("+href+")")
		if len(parts) == slackMaxLinks {
			break
		}
	}
	return strings.Join(parts, " · ")
}

// teamsMarkdown are the characters Markdown gives a meaning.
var teamsMarkdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "`", "\\`",
	"#", `\#`, "+", `\+`, "-", `\-`, "!", `\!`, "~", `\~`, "|", `\|`, "<", `\<`, ">", `\>`, "{", `\{`, "}", `\}`,
)

// teamsTime shows t in each reader's own time zone (the card's DATE and
// TIME functions).
func teamsTime(t time.Time) string {
	at := t.UTC().Format(time.RFC3339)
	return "{{DATE(" + at + ", SHORT)}} {{TIME(" + at + ")}}"
}

// TeamsEscape escapes the Markdown of text shown in an Adaptive Card, so
// that it shows as written.
func TeamsEscape(s string) string { return teamsMarkdown.Replace(s) }
