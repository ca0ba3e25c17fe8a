package policy

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// Integration is one sender allowed to post: its name is part of its hook
// URL, its kind picks the decoder, its token authenticates it.
type Integration struct {
	Name  string
	Kind  string
	Token Secret
	line  int // of its name, for duplicates
}

// Kinds lists the integration kinds a config may name, one per decoder.
var Kinds = []string{"generic"}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (p *parser) integration(n *yaml.Node, path string) Integration {
	in := Integration{line: n.Line}
	var name, kind *yaml.Node
	secret := secretFields{plainKey: "token", hashKey: "token_sha256"}
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":         func(v *yaml.Node, _ string) { name = v },
		"kind":         func(v *yaml.Node, _ string) { kind = v },
		"token":        func(v *yaml.Node, _ string) { secret.plain = v },
		"token_sha256": func(v *yaml.Node, _ string) { secret.hashed = v },
	}) {
		return in
	}
	in.Name = p.name(n, name, path+".name", " (it becomes part of the hook URL)")
	if name != nil {
		in.line = name.Line
	}
	in.Kind = p.oneOf(n, kind, path+".kind", Kinds)
	in.Token = p.secret(n, path, secret,
		fmt.Sprintf("integration %q needs token or token_sha256: every sender authenticates", in.Name))
	return in
}
