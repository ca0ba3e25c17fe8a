package policy

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
	Forms        []Form
	FormsSecret  LinkKey // signs the status links of form requests
	ActionLinks  ActionLinks
	Problems     Problems // problem records; off when absent
}

// Load reads and validates the config file at path. Secrets it names in
// the environment are read; secrets it names in SSM or Secrets Manager are
// refused (see LoadWith).
func Load(path string) (*Config, error) { return LoadWith(context.Background(), path, nil) }

// LoadWith reads and validates the config file at path, and reads the
// secrets it names from the environment and from store (nil: none, so that
// a reference to SSM or Secrets Manager is a problem at its line).
func LoadWith(ctx context.Context, path string, store SecretStore) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseWith(ctx, filepath.Base(path), data, store)
}

// Parse validates a config from data; name is the file name used in errors.
// It reads secrets the way Load does.
//
//	base_url: https://tierline.example        # optional, for links
//	integrations: [{name, kind, token | token_sha256, grouping, hmac, topics, insufficient_data, mapping}]
//	routes:       [{match: {integration, severity, priority, source, category, text, labels}, tier, priority, policy}]
//	policies:     {<name>: {L1: {acknowledge, resolve}, L2: …, L3: {…, repeat}}}
//	channels:     {L1: [{name, kind: log | webhook | slack | teams | sns, url, headers, topic_arn}], L2: …}
//	api_keys:     [{name, sha256 | key}]
//	forms:        [{name, title, description, categories, origins, impact: {<name>: <priority> | {priority, label}}}]
//	forms_secret: {env: TIERLINE_FORMS_SECRET}   # or forms_secret_env: NAME; in plain for development
//	action_links: {secret: {env: TIERLINE_ACTIONS_SECRET}, expire: 24h}
//	problems:     {after: 3, within: 7d, tier: L2, priority: P3}   # optional: problem records
//
// Every field that takes a secret (token, key, hmac.secret, forms_secret,
// action_links.secret, a channel's url and headers) takes a SecretRef instead of the value:
// {env: NAME}, {ssm: /PATH/NAME} or {secretsmanager: NAME, key: KEY}.
func Parse(name string, data []byte) (*Config, error) {
	return ParseWith(context.Background(), name, data, nil)
}

// ParseWith is Parse with the secrets of SSM and Secrets Manager read from
// store. A first pass checks everything but the values the config names
// and lists those; they are read in one ReadSecrets call; a second pass
// checks them where they are used. A config whose secrets cannot all be
// read does not load, and says which at which line.
func ParseWith(ctx context.Context, name string, data []byte, store SecretStore) (*Config, error) {
	first := &parser{file: name}
	c := first.parse(data)
	if err := first.err(); err != nil {
		return nil, err
	}
	if len(first.refs) == 0 {
		return c, nil
	}
	values, err := first.readSecrets(ctx, store)
	if err != nil {
		return nil, err
	}
	if err := first.err(); err != nil {
		return nil, err
	}
	second := &parser{file: name, secrets: values}
	c = second.parse(data)
	if err := second.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Check validates a config as far as it can without reading any secret,
// and lists the secrets it names, each once, in file order: for a linter,
// and for a check that the functions' IAM policies allow reading them.
func Check(name string, data []byte) ([]SecretRef, error) {
	p := &parser{file: name}
	p.parse(data)
	if err := p.err(); err != nil {
		return nil, err
	}
	var out []SecretRef
	seen := map[SecretRef]bool{}
	for _, r := range p.refs {
		if !seen[r.SecretRef] {
			seen[r.SecretRef] = true
			out = append(out, r.SecretRef)
		}
	}
	return out, nil
}

// parse is one pass over the file: the Config, and the problems in p.
func (p *parser) parse(data []byte) *Config {
	c := &Config{Policies: map[string]Policy{}, Channels: Channels{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		line, msg := syntaxError(err)
		p.errorAt(line, "", "not valid YAML: %s; check the indentation (spaces, not tabs) and the quoting", msg)
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		p.errorAt(1, "", "the file is empty; see the README for a starting config")
		return nil
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		line := more.Line
		if err != nil {
			line, _ = syntaxError(err)
		}
		p.errorAt(line, "", "a second YAML document (after ---); a config is one document, so merge or remove it")
	}
	var linkKey linkKeyFields
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
		"forms":            func(v *yaml.Node, path string) { linkKey.forms, c.Forms = v, p.forms(v, path) },
		"forms_secret":     func(v *yaml.Node, _ string) { linkKey.plain = v },
		"forms_secret_env": func(v *yaml.Node, _ string) { linkKey.env = v },
		"action_links":     func(v *yaml.Node, path string) { c.ActionLinks = p.actionLinks(v, path) },
		"problems":         func(v *yaml.Node, path string) { c.Problems = p.problemRecords(v, path) },
	})
	c.FormsSecret = p.linkKey(linkKey, len(c.Forms))
	if _, ok := c.Policies[DefaultPolicy]; !ok {
		c.Policies[DefaultPolicy] = builtinPolicy()
	}
	p.crossCheck(c)
	slices.SortStableFunc(p.refs, func(a, b namedRef) int { return cmp.Compare(a.line, b.line) })
	return c
}

// yamlError is the shape of the YAML library's syntax errors.
var yamlError = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError splits a YAML syntax error into its line and message. The
// library leaves out the line when it is the first.
func syntaxError(err error) (int, string) {
	m := yamlError.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, err.Error()
	}
	line, err := strconv.Atoi(m[1])
	if err != nil {
		line = 1
	}
	return line, m[2]
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
	s, ok := scalar(v)
	s = strings.TrimRight(s, "/")
	if u, err := url.Parse(s); !ok || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.errorf(v, path, "want an http or https URL such as https://tierline.example, got %s", kindName(v))
	}
	return s
}

// crossCheck finds problems between sections: duplicate names, and the
// references to policies, tiers and integrations that items left to check
// once the whole file was read.
func (p *parser) crossCheck(c *Config) {
	seen := map[string]bool{}
	for i, in := range c.Integrations {
		if seen[in.Name] && in.Name != "" {
			p.errorAt(in.line, fmt.Sprintf("integrations[%d].name", i), "the name %q is used twice; names are part of hook URLs and must be unique, so rename one", in.Name)
		}
		seen[in.Name] = true
	}
	keys := map[string]bool{}
	for i, k := range c.APIKeys {
		if keys[k.Name] && k.Name != "" {
			p.errorAt(k.line, fmt.Sprintf("api_keys[%d].name", i), "the name %q is used twice; it names the actor on timelines, so rename one", k.Name)
		}
		keys[k.Name] = true
	}
	p.uniqueKeys(c)
	for _, check := range p.checks {
		check(c)
	}
}
