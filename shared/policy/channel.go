package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

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
	URL     string            // webhook: where to POST
	Headers map[string]string // webhook: extra headers, e.g. Authorization
}

// ChannelKinds lists the channel kinds a config may name.
var ChannelKinds = []string{"log", "webhook"}

func (p *parser) channels(n *yaml.Node, path string) Channels {
	out := Channels{}
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		tier := p.tier(k, path)
		names := map[string]bool{}
		p.items(v, path, func(v *yaml.Node, path string) {
			ch := p.channel(v, path)
			if ch.Name == "" {
				ch.Name = ch.Kind
				for i := 2; names[ch.Name]; i++ {
					ch.Name = fmt.Sprintf("%s-%d", ch.Kind, i)
				}
			}
			if names[ch.Name] {
				p.errorf(v, path+".name", "%s already has a channel named %q", tier, ch.Name)
			}
			names[ch.Name] = true
			out[tier] = append(out[tier], ch)
		})
	})
	return out
}

func (p *parser) channel(n *yaml.Node, path string) Channel {
	var ch Channel
	p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":    func(v *yaml.Node, path string) { ch.Name = p.str(v, path) },
		"kind":    func(v *yaml.Node, path string) { ch.Kind = p.str(v, path) },
		"url":     func(v *yaml.Node, path string) { ch.URL = p.str(v, path) },
		"headers": func(v *yaml.Node, path string) { ch.Headers = p.strMap(v, path) },
	})
	if !slices.Contains(ChannelKinds, ch.Kind) {
		p.errorf(n, path+".kind", "unknown kind %q: want one of %s", ch.Kind, strings.Join(ChannelKinds, ", "))
	}
	if ch.Kind == "webhook" {
		u, err := url.Parse(ch.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.errorf(n, path+".url", "a webhook channel needs an http or https url, got %q", ch.URL)
		}
	}
	return ch
}
