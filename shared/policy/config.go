package policy

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is a loaded, validated configuration. Treat it as read-only: the
// running program shares one Config between goroutines.
type Config struct {
	BaseURL      string // public URL of this tierline, for links in hand-offs
	Integrations []Integration
	Routes       []Route
	Policies     map[string]Policy
	Channels     Channels
	APIKeys      []APIKey
}

// Load reads and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse validates a config from data; name is the file name used in errors.
//
//	base_url: https://tierline.example        # optional, for links
//	integrations: [{name, kind, token | token_sha256}]
//	routes:       [{match: {integration, severity, priority, source, category, text, labels}, tier, priority, policy}]
//	policies:     {<name>: {L1: {acknowledge, resolve}, L2: …, L3: {…, repeat}}}
//	channels:     {L1: [{name, kind: log | webhook, url, headers}], L2: …}
//	api_keys:     [{name, sha256 | key}]
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{file: name}
	c := &Config{Policies: map[string]Policy{}, Channels: Channels{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("%s: not valid YAML: %v", name, err)}}
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Problems: []string{name + ":1: the file is empty; see the README for a starting config"}}
	}
	p.fields(doc.Content[0], "", map[string]func(*yaml.Node, string){
		"base_url": func(v *yaml.Node, path string) { c.BaseURL = p.baseURL(v, path) },
		"integrations": func(v *yaml.Node, path string) {
			p.items(v, path, func(v *yaml.Node, path string) { c.Integrations = append(c.Integrations, p.integration(v, path)) })
		},
		"routes": func(v *yaml.Node, path string) {
			p.items(v, path, func(v *yaml.Node, path string) { c.Routes = append(c.Routes, p.route(v, path)) })
		},
		"policies": func(v *yaml.Node, path string) {
			p.entries(v, path, func(k, v *yaml.Node, path string) { c.Policies[k.Value] = p.policy(k.Value, v, path) })
		},
		"channels": func(v *yaml.Node, path string) { c.Channels = p.channels(v, path) },
		"api_keys": func(v *yaml.Node, path string) {
			p.items(v, path, func(v *yaml.Node, path string) { c.APIKeys = append(c.APIKeys, p.apiKey(v, path)) })
		},
	})
	if _, ok := c.Policies[DefaultPolicy]; !ok {
		c.Policies[DefaultPolicy] = builtinPolicy()
	}
	p.crossCheck(c)
	if len(p.problems) > 0 {
		return nil, &ConfigError{Problems: p.problems}
	}
	return c, nil
}

// Integration returns the integration called name.
func (c *Config) Integration(name string) (Integration, bool) {
	for _, in := range c.Integrations {
		if in.Name == name {
			return in, true
		}
	}
	return Integration{}, false
}

func (p *parser) baseURL(v *yaml.Node, path string) string {
	s := strings.TrimRight(p.str(v, path), "/")
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.errorf(v, path, "want an http or https URL such as https://tierline.example, got %q", s)
	}
	return s
}

// crossCheck finds problems between sections: duplicate names, routes to
// policies or tiers that do not exist.
func (p *parser) crossCheck(c *Config) {
	seen := map[string]bool{}
	for _, in := range c.Integrations {
		if seen[in.Name] {
			p.errorf(nil, "integrations", "the name %q is used twice; names are part of hook URLs and must be unique (line %d)", in.Name, in.line)
		}
		seen[in.Name] = true
	}
	keys := map[string]bool{}
	for _, k := range c.APIKeys {
		if keys[k.Name] {
			p.errorf(nil, "api_keys", "the name %q is used twice (line %d)", k.Name, k.line)
		}
		keys[k.Name] = true
	}
	for i, r := range c.Routes {
		pol, ok := c.Policies[r.Policy]
		if !ok {
			p.errorf(nil, fmt.Sprintf("routes[%d].policy", i), "no policy named %q (line %d); define it under policies", r.Policy, r.line)
			continue
		}
		if _, ok := pol.Tiers[r.Tier]; !ok {
			p.errorf(nil, fmt.Sprintf("routes[%d].tier", i), "policy %q has no %s deadlines (line %d); add them or route to another tier", r.Policy, r.Tier, r.line)
		}
		for _, name := range r.Match.Integration {
			if _, ok := c.Integration(name); !ok {
				p.errorf(nil, fmt.Sprintf("routes[%d].match.integration", i), "no integration named %q (line %d)", name, r.line)
			}
		}
	}
}
