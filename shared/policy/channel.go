package policy

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// Channels lists the on-call channels of each tier.
type Channels map[ticket.Tier][]Channel

// Channel is one way to reach a tier's on-call engineers. Its name is how a
// delivery is recorded on the timeline, so it must be unique in its tier.
type Channel struct {
	Name    string
	Kind    string            // one of ChannelKinds
	URL     string            // webhook, slack, teams: where to POST
	Headers map[string]string // webhook, slack, teams: extra headers, e.g. Authorization
	// TopicARN is the SNS topic of an sns channel. Empty means the tier's
	// own topic, which the AWS stack creates and hands to the notify
	// function; a config that names a topic of its own must also grant
	// the function sns:Publish on it.
	TopicARN string
}

// ChannelKinds lists the channel kinds a config may name: log (a line on
// the server's log), webhook (tierline's JSON), slack (a Slack incoming
// webhook: Block Kit), teams (a Teams Workflows webhook: an Adaptive
// Card) and sns (an SNS topic).
var ChannelKinds = []string{"log", "webhook", "slack", "teams", "sns"}

// posts reports whether a channel of kind posts to a URL.
func posts(kind string) bool { return kind == "webhook" || kind == "slack" || kind == "teams" }

// urlHelp says where the URL of a channel of kind comes from.
var urlHelp = map[string]string{
	"webhook": "the receiver's http or https URL",
	"slack":   "the incoming webhook's URL, https://hooks.slack.com/services/…, from the Slack app's Incoming Webhooks page",
	"teams":   "the URL of a Teams workflow \"When a Teams webhook request is received\" (Workflows, \"Send webhook alerts to a channel\")",
}

func (p *parser) channels(n *yaml.Node, path string) Channels {
	out := Channels{}
	names := map[ticket.Tier]map[string]bool{} // per tier, across "L1" and "l1"
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		tier := p.tier(k, path)
		if names[tier] == nil {
			names[tier] = map[string]bool{}
		}
		p.items(v, path, func(v *yaml.Node, path string) {
			ch, named, ok := p.channel(v, path)
			if !ok {
				return
			}
			if ch.Name == "" {
				ch.Name = ch.Kind
				for i := 2; names[tier][ch.Name]; i++ {
					ch.Name = fmt.Sprintf("%s-%d", ch.Kind, i)
				}
			}
			if names[tier][ch.Name] {
				p.errorf(named, path+".name", "%s already has a channel named %q; give each channel of a tier its own name", tier, ch.Name)
			}
			names[tier][ch.Name] = true
			out[tier] = append(out[tier], ch)
		})
	})
	return out
}

// channel reads one channel, the node of its name (the channel's own when
// it has none) and false when n is not a mapping.
func (p *parser) channel(n *yaml.Node, path string) (Channel, *yaml.Node, bool) {
	var ch Channel
	var name, kind, u, topic *yaml.Node
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":      func(v *yaml.Node, _ string) { name = v },
		"kind":      func(v *yaml.Node, _ string) { kind = v },
		"url":       func(v *yaml.Node, _ string) { u = v },
		"headers":   func(v *yaml.Node, path string) { ch.Headers = p.headers(v, path) },
		"topic_arn": func(v *yaml.Node, _ string) { topic = v },
	}) {
		return ch, n, false
	}
	var nameAt *yaml.Node
	ch.Name, nameAt, _ = p.given(n, name, path+".name")
	ch.Kind = p.oneOf(n, kind, path+".kind", ChannelKinds)
	p.webhookURL(&ch, n, u, path+".url")
	p.snsTopic(&ch, topic, path)
	return ch, nameAt, true
}

// webhookURL reads the url of a channel, whose value is v (nil when
// absent): that of a channel that posts (webhook, slack, teams) must be
// http or https. Chat webhooks carry their credential in the URL, so it
// may be a SecretRef, and a problem with a URL read from one does not
// repeat it.
func (p *parser) webhookURL(ch *Channel, item, v *yaml.Node, path string) {
	if v == nil {
		v = &yaml.Node{Kind: yaml.ScalarNode, Line: item.Line}
	}
	sv := p.secretText(v, path, "the webhook URL")
	if !sv.known {
		return
	}
	ch.URL = sv.text
	if u, err := url.Parse(ch.URL); posts(ch.Kind) && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		if sv.from != "" {
			p.errorf(v, path, "a %s channel needs an http or https url, and %s does not hold one; store %s there", ch.Kind, sv.from, urlHelp[ch.Kind])
			return
		}
		if ch.URL == "" {
			p.errorf(v, path, "a %s channel needs a url: %s", ch.Kind, urlHelp[ch.Kind])
			return
		}
		p.errorf(v, path, "a %s channel needs an http or https url, got %q", ch.Kind, ch.URL)
	}
}

// headers reads the extra headers of a webhook channel. A value may be a
// SecretRef (an Authorization header's, say); a value with a line break or
// another control character would be refused at every delivery, so it is
// refused here, without repeating it.
func (p *parser) headers(n *yaml.Node, path string) map[string]string {
	out := map[string]string{}
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		if !headerName.MatchString(k.Value) {
			p.errorf(k, path, "%q is not an HTTP header name", k.Value)
		}
		sv := p.secretText(v, path, "the header's value")
		if !sv.known {
			return
		}
		if strings.ContainsFunc(sv.text, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }) {
			from := "it"
			if sv.from != "" {
				from = "the value in " + sv.from
			}
			p.errorf(v, path, "%s holds a line break or another control character, which no HTTP header may; remove it", from)
			return
		}
		out[k.Value] = sv.text
	})
	return out
}

// snsTopic reads the topic_arn of a channel: only an sns channel has one,
// and when it has, it is a topic ARN (no FIFO topic: hand-offs carry no
// message group).
func (p *parser) snsTopic(ch *Channel, topic *yaml.Node, path string) {
	if topic == nil {
		return
	}
	arn, at, ok := p.given(nil, topic, path+".topic_arn")
	switch {
	case !ok:
	case ch.Kind != "sns":
		p.errorf(at, path+".topic_arn", "only an sns channel has a topic_arn; remove it or set kind: sns")
	case !topicARN.MatchString(arn) || strings.HasSuffix(arn, ".fifo"):
		p.errorf(at, path+".topic_arn", "want an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:on-call (not FIFO), got %q; leave topic_arn out to use the tier's topic of the stack", arn)
	default:
		ch.TopicARN = arn
	}
}
