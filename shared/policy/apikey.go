package policy

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// APIKey lets a person or a tool act on tickets through the ticket API.
type APIKey struct {
	Name   string // shown as the actor when a request names none
	Secret Secret
	line   int // of its name, for duplicates
}

// APIKey returns the key whose secret is presented. It compares against
// every key, so that the time taken does not tell which one nearly matched.
func (c *Config) APIKey(presented string) (APIKey, bool) {
	var found APIKey
	ok := false
	for _, k := range c.APIKeys {
		if k.Secret.Matches(presented) && !ok {
			found, ok = k, true
		}
	}
	return found, ok
}

func (p *parser) apiKey(n *yaml.Node, path string) APIKey {
	k := APIKey{line: n.Line}
	var name *yaml.Node
	secret := secretFields{plainKey: "key", hashKey: "sha256", want: "the api key"}
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":   func(v *yaml.Node, _ string) { name = v },
		"key":    func(v *yaml.Node, _ string) { secret.plain = v },
		"sha256": func(v *yaml.Node, _ string) { secret.hashed = v },
	}) {
		return k
	}
	k.Name = p.name(n, name, path+".name", "")
	if name != nil {
		k.line = name.Line
	}
	k.Secret = p.secret(n, path, secret, fmt.Sprintf("api key %q needs sha256 (or key, for development)", k.Name))
	return k
}
