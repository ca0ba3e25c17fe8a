// Package notify delivers hand-offs to on-call channels: a structured log
// line; an HTTP POST of JSON that Slack-compatible webhooks understand
// (a "text" field) and other receivers can read in full (a "tierline" field
// holding the whole hand-off); a Slack incoming webhook's Block Kit
// message; a Teams workflow's Adaptive Card; or an SNS message. Each links
// to the ticket's console page and, with action_links configured, carries
// signed links to acknowledge or see the ticket without signing in (see
// links.go). Deliveries are retried a few times with backoff; what still
// fails is returned, and the caller's queue delivers the notice again
// later.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// Deliverer delivers hand-offs; its zero value is usable.
type Deliverer struct {
	Client   *http.Client // default: a client with a 10s timeout
	BaseURL  string       // public URL of tierline, for the link to the ticket
	Log      *slog.Logger // default slog.Default()
	Attempts int          // tries per delivery; default 3
	Backoff  time.Duration
	// Sleep waits between attempts; tests replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// SNS publishes the hand-offs of sns channels (see sns.go); Topics
	// holds each tier's own topic, for sns channels that name none.
	SNS    Publisher
	Topics map[ticket.Tier]string
	// Signer signs the action links of each delivery; nil or without a
	// key, hand-offs carry only the links to the console and the API.
	Signer *actionlink.Signer
	// Now is the clock the links expire by; default time.Now.
	Now func() time.Time
}

// Deliver sends h to ch.
func (d *Deliverer) Deliver(ctx context.Context, ch policy.Channel, h ticket.HandOff) error {
	switch ch.Kind {
	case "log":
		l := d.Links(ch, h)
		attrs := []any{"channel", ch.Name, "ticket", h.Ticket.ID, "tier", h.Tier.String(), "notice", h.Seq, "summary", Summary(h), "url", l.Console}
		if l.Acknowledge != "" {
			attrs = append(attrs, "acknowledge_url", l.Acknowledge)
		}
		if l.View != "" {
			attrs = append(attrs, "view_url", l.View)
		}
		d.log().InfoContext(ctx, "hand-off", attrs...)
		return nil
	case "webhook", "slack", "teams":
		return d.webhook(ctx, ch, h)
	case "sns":
		return d.publish(ctx, ch, h)
	}
	return fmt.Errorf("notify: channel %s has unknown kind %q", ch.Name, ch.Kind)
}

// Message is the JSON body a webhook channel receives.
type Message struct {
	Text     string       `json:"text"`
	Tierline wire.HandOff `json:"tierline"`
}

// NewMessage builds the webhook body of delivering h to ch: the summary
// and links as Slack-compatible text, and the whole hand-off with its
// links.
func (d *Deliverer) NewMessage(ch policy.Channel, h ticket.HandOff) Message {
	return newMessage(h, d.Links(ch, h))
}

func newMessage(h ticket.HandOff, l Links) Message {
	text := SlackEscape(Summary(h))
	if links := l.Text(); links != "" {
		text += "\n" + links
	}
	m := Message{Text: text, Tierline: wire.FromHandOff(h, l.Console)}
	m.Tierline.APIURL, m.Tierline.Actions = l.API, l.wire()
	return m
}

// Summary is the hand-off in a few lines of plain text: tier, priority and
// title; where it came from and why; what was tried. A late page says in
// its first line, which SMS and e-mail subjects keep, that the ticket has
// moved on, and in the next which tier has it now.
func Summary(h ticket.HandOff) string {
	t := h.Ticket
	var b strings.Builder
	tier := h.Tier.String()
	if m := h.MovedOn; m != nil {
		tier += ", moved on to " + m.To.String()
	}
	fmt.Fprintf(&b, "[%s] %s %s (ticket %s)", tier, t.Priority, t.Title, t.ID)
	if m := h.MovedOn; m != nil {
		fmt.Fprintf(&b, "\nMoved on to %s before this page reached you", m.To)
		if m.Reason != "" {
			fmt.Fprintf(&b, " (%s)", m.Reason)
		}
		fmt.Fprintf(&b, "; %s has it now.", m.To)
	}
	switch h.Kind {
	case ticket.EventCreated:
		fmt.Fprintf(&b, "\nNew from %s", t.Integration)
		if t.Occurrences > 1 {
			fmt.Fprintf(&b, ", seen %d times", t.Occurrences)
		}
	case ticket.EventEscalated:
		fmt.Fprintf(&b, "\nEscalated from %s: %s", h.From, h.Reason)
	case ticket.EventRepeated:
		fmt.Fprintf(&b, "\nStill open: %s", h.Reason)
	case ticket.EventReopened:
		fmt.Fprintf(&b, "\nReopened by %s", h.By())
	}
	if h.Note != "" {
		fmt.Fprintf(&b, "\nHand-off note: %s", h.Note)
	}
	var tried []string
	for _, e := range h.Tried {
		if e.Note != "" && (e.Kind == ticket.EventNoted || e.Kind == ticket.EventEscalated) {
			tried = append(tried, fmt.Sprintf("%s (%s)", e.Note, e.By()))
		}
	}
	if len(tried) > 0 {
		fmt.Fprintf(&b, "\nTried: %s", strings.Join(tried, "; "))
	}
	return b.String()
}

// SlackEscape escapes the three characters Slack's text format gives a
// meaning (<, > and &), so that alert text cannot make links or mentions.
func SlackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (d *Deliverer) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}
