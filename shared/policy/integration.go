package policy

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// Integration is one sender allowed to post: its name is part of its hook
// URL, its kind picks the decoder, its token authenticates it (for kind
// pagerduty it is the routing_key, for kind opsgenie the GenieKey). The
// options below apply to some kinds only (see sender.go); zero values are
// the defaults.
type Integration struct {
	Name  string
	Kind  string
	Token Secret

	Grouping         string            // alertmanager, grafana: "group" (default) or "alert"
	HMAC             *HMAC             // grafana, generic: check a signature of each request
	Topics           []string          // sns: the TopicArns allowed to post; required
	InsufficientData string            // sns: "ignore" (default), "trigger" or "resolve"
	Mapping          map[string]string // generic: ticket field → RFC 6901 JSON pointer into the body

	line int // of its name, for duplicates
}

// Kinds lists the integration kinds a config may name, one per decoder.
var Kinds = []string{"alertmanager", "datadog", "generic", "grafana", "opsgenie", "pagerduty", "sns"}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (p *parser) integration(n *yaml.Node, path string) Integration {
	in := Integration{line: n.Line}
	var name, kind *yaml.Node
	secret := secretFields{plainKey: "token", hashKey: "token_sha256", want: "the integration's token"}
	options := map[string]*yaml.Node{}
	set := map[string]func(*yaml.Node, string){
		"name":         func(v *yaml.Node, _ string) { name = v },
		"kind":         func(v *yaml.Node, _ string) { kind = v },
		"token":        func(v *yaml.Node, _ string) { secret.plain = v },
		"token_sha256": func(v *yaml.Node, _ string) { secret.hashed = v },
	}
	for option := range kindOptions {
		set[option] = func(v *yaml.Node, _ string) { options[option] = v }
	}
	if !p.fields(n, path, set) {
		return in
	}
	in.Name = p.name(n, name, path+".name", " (it becomes part of the hook URL)")
	if name != nil {
		in.line = name.Line
	}
	in.Kind = p.oneOf(n, kind, path+".kind", Kinds)
	in.Token = p.secret(n, path, secret,
		fmt.Sprintf("integration %q needs token or token_sha256: every sender authenticates", in.Name))
	p.options(n, &in, options, path)
	return in
}
