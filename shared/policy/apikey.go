package policy

import "go.yaml.in/yaml/v3"

// APIKey lets a person or a tool act on tickets through the ticket API.
type APIKey struct {
	Name   string // shown as the actor when a request names none
	Secret Secret
	line   int
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
	var plain, hashed string
	p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":   func(v *yaml.Node, path string) { k.Name = p.str(v, path) },
		"key":    func(v *yaml.Node, path string) { plain = p.str(v, path) },
		"sha256": func(v *yaml.Node, path string) { hashed = p.str(v, path) },
	})
	if !namePattern.MatchString(k.Name) {
		p.errorf(n, path+".name", "want 1 to 63 of a-z, 0-9, - and _, got %q", k.Name)
	}
	k.Secret = p.secret(n, path, plain, hashed)
	if !k.Secret.IsSet() {
		p.errorf(n, path, "api key %q needs sha256 (or key, for development)", k.Name)
	}
	return k
}
