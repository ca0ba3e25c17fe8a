package policy

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// ActionLinks configures the signed links every hand-off carries, so that
// whoever it reaches can acknowledge the ticket, or see it as it is now,
// from a phone without signing in (package actionlink). Without a secret,
// hand-offs link to the ticket's console page only.
//
//	action_links: {secret: {env: TIERLINE_ACTIONS_SECRET}, expire: 24h}
type ActionLinks struct {
	// Secret signs the links. Like the forms secret it is an HMAC key, so
	// the config names where it is kept (or gives it in plain, for
	// development). Changing it breaks the links given out so far.
	Secret LinkKey
	// Expire is how long a link works after its hand-off was delivered;
	// 0 means DefaultLinkExpiry.
	Expire time.Duration
}

// Enabled reports whether hand-offs carry action links.
func (a ActionLinks) Enabled() bool { return a.Secret.IsSet() }

// The bounds of action_links.expire: a page at 3 a.m. is acted on within
// hours, and a link that works for weeks is a credential lying in inboxes.
const (
	DefaultLinkExpiry = 24 * time.Hour
	MinLinkExpiry     = 5 * time.Minute
	MaxLinkExpiry     = 7 * 24 * time.Hour
)

// actionLinks reads the action_links block.
func (p *parser) actionLinks(n *yaml.Node, path string) ActionLinks {
	out := ActionLinks{Expire: DefaultLinkExpiry}
	var secret *yaml.Node
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		// Never repeat it: a secret given in place of the block.
		p.errorf(n, path, "want a mapping such as {secret: {env: TIERLINE_ACTIONS_SECRET}, expire: 24h}, got a string")
		return out
	}
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"secret": func(v *yaml.Node, _ string) { secret = v },
		"expire": func(v *yaml.Node, path string) {
			d := p.duration(v, path)
			if d != 0 && (d < MinLinkExpiry || d > MaxLinkExpiry) {
				p.errorf(v, path, "want from %s to %s (7d), got %s: a link in an inbox is a way in for as long as it works", MinLinkExpiry, MaxLinkExpiry, d)
				return
			}
			if d != 0 {
				out.Expire = d
			}
		},
	}) {
		return out
	}
	const howTo = "make one with: openssl rand -base64 32"
	want := fmt.Sprintf("a random secret of at least %d characters (%s)", MinLinkKey, howTo)
	if secret == nil {
		p.errorf(n, join(path, "secret"), "action links need a secret, such as {env: TIERLINE_ACTIONS_SECRET} or {ssm: /tierline/prod/actions-secret}: %s", want)
		return out
	}
	path = join(path, "secret")
	if secret.Kind != yaml.MappingNode && secret.Kind != yaml.ScalarNode {
		p.errorf(secret, path, "want %s, got %s", want, kindName(secret))
		return out
	}
	sv := p.secretText(secret, path, want)
	switch {
	case !sv.known:
	case len(sv.text) >= MinLinkKey:
		out.Secret = NewLinkKey(sv.text)
	case sv.from != "":
		p.errorf(secret, path, "%s", sv.tooShort(MinLinkKey, howTo))
	default:
		p.errorf(secret, path, "want %s, got %s", want, secretKind(secret))
	}
	return out
}
