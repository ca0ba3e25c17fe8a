package policy

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Integration is one sender allowed to post: its name is part of its hook
// URL, its kind picks the decoder, its token authenticates it.
type Integration struct {
	Name  string
	Kind  string
	Token Secret
	line  int
}

// Kinds lists the integration kinds a config may name, one per decoder.
var Kinds = []string{"generic"}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (p *parser) integration(n *yaml.Node, path string) Integration {
	in := Integration{line: n.Line}
	var token, tokenHash string
	p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":         func(v *yaml.Node, path string) { in.Name = p.str(v, path) },
		"kind":         func(v *yaml.Node, path string) { in.Kind = p.str(v, path) },
		"token":        func(v *yaml.Node, path string) { token = p.str(v, path) },
		"token_sha256": func(v *yaml.Node, path string) { tokenHash = p.str(v, path) },
	})
	if !namePattern.MatchString(in.Name) {
		p.errorf(n, path+".name", "want 1 to 63 of a-z, 0-9, - and _ (it becomes part of the hook URL), got %q", in.Name)
	}
	if !slices.Contains(Kinds, in.Kind) {
		p.errorf(n, path+".kind", "unknown kind %q: want one of %s", in.Kind, strings.Join(Kinds, ", "))
	}
	in.Token = p.secret(n, path, token, tokenHash)
	if !in.Token.IsSet() {
		p.errorf(n, path, "integration %q needs token or token_sha256: every sender authenticates", in.Name)
	}
	return in
}
