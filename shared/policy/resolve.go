package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// namedRef is a reference the first pass found: where it is, and what the
// secret should be, for the problems reading it may bring.
type namedRef struct {
	SecretRef
	line int
	path string
	want string // "a shared secret of at least 16 characters", for how to create it
}

// secretValue is a secret as a field gives it.
type secretValue struct {
	text  string // the secret
	from  string // where it was read, for messages; "" when the file gives it in plain
	known bool   // false: malformed (reported), or a reference the first pass leaves unread
}

// tooShort says that a secret read from where the config names is shorter
// than min, without repeating it.
func (sv secretValue) tooShort(min int, howTo string) string {
	return fmt.Sprintf("the secret in %s is %d characters; use at least %d (%s)", sv.from, len(sv.text), min, howTo)
}

// secretText reads a field that takes a secret, whose value v (not nil)
// gives it in plain or names where it is kept (see SecretRef). want says
// what it should be, for the problems of reading it.
func (p *parser) secretText(v *yaml.Node, path, want string) secretValue {
	if v.Kind == yaml.MappingNode {
		ref, ok := p.secretRef(v, path)
		if !ok {
			return secretValue{}
		}
		return p.refValue(ref, v, path, want)
	}
	s, ok := scalar(v)
	if !ok {
		p.errorf(v, path, "want a string, or where the secret is kept such as {ssm: /tierline/prod/NAME}, got %s", kindName(v))
		return secretValue{}
	}
	return secretValue{text: s, known: true}
}

// refValue is the value of ref, given at v: in the first pass nothing yet
// (the reference is listed to be read), in the second the value read.
func (p *parser) refValue(ref SecretRef, v *yaml.Node, path, want string) secretValue {
	if p.secrets == nil {
		p.refs = append(p.refs, namedRef{SecretRef: ref, line: v.Line, path: path, want: want})
		return secretValue{}
	}
	return secretValue{text: p.secrets[ref], from: ref.String(), known: true}
}

// readSecrets reads the value of every reference the first pass found:
// environment variables from the process, the others from store in one
// call. A secret that cannot be read is a problem at its line; a store
// that cannot be asked is an error.
func (p *parser) readSecrets(ctx context.Context, store SecretStore) (map[SecretRef]string, error) {
	var ids []SecretID
	for _, r := range p.refs {
		if r.From != FromEnv && !slices.Contains(ids, r.ID()) {
			ids = append(ids, r.ID())
		}
	}
	found := map[SecretID]string{}
	if len(ids) > 0 && store != nil {
		var err error
		if found, err = store.ReadSecrets(ctx, ids); err != nil {
			return nil, fmt.Errorf("config %s: reading its secrets: %w", p.file, err)
		}
	}
	values := map[SecretRef]string{}
	for _, r := range p.refs {
		if v, ok := p.readSecret(r, store != nil, found); ok {
			values[r.SecretRef] = v
		}
	}
	return values, nil
}

// readSecret is the value of r, or false with the problem reported.
func (p *parser) readSecret(r namedRef, haveStore bool, found map[SecretID]string) (string, bool) {
	var raw string
	var ok bool
	switch {
	case r.From == FromEnv:
		raw, ok = os.LookupEnv(r.Name)
		if !ok || raw == "" {
			p.errorAt(r.line, r.path, "the environment variable %s is not set; set it to %s", r.Name, r.want)
			return "", false
		}
	case !haveStore:
		p.errorAt(r.line, r.path, "%s is read only on AWS, where the functions read it at cold start; "+
			"for tierline serve name an environment variable instead ({env: NAME}), or give the value in plain for development", r.ID())
		return "", false
	default:
		raw, ok = found[r.ID()]
		if !ok {
			p.errorAt(r.line, r.path, "%s does not exist in this account and region; create it, with VALUE %s: %s", r.ID(), r.want, createCommand(r.SecretRef))
			return "", false
		}
	}
	if r.Key != "" {
		return p.member(r, raw)
	}
	if raw == "" {
		p.errorAt(r.line, r.path, "%s is empty; store %s in it", r.ID(), r.want)
		return "", false
	}
	return raw, true
}

// member picks the key of r out of the JSON object raw.
func (p *parser) member(r namedRef, raw string) (string, bool) {
	var obj map[string]any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		p.errorAt(r.line, r.path, "%s is not a JSON object, so it has no key %q; leave key out to use its whole value, or store it as {%q: \"VALUE\"}",
			r.ID(), r.Key, r.Key)
		return "", false
	}
	m, ok := obj[r.Key]
	if !ok {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		p.errorAt(r.line, r.path, "%s has no key %q (its keys: %s); add it, or name one of those", r.ID(), r.Key, strings.Join(keys, ", "))
		return "", false
	}
	s, ok := m.(string)
	if !ok || s == "" {
		p.errorAt(r.line, r.path, "key %q of %s holds %s; store %s there as a string", r.Key, r.ID(), jsonKind(m), r.want)
		return "", false
	}
	return s, true
}

// jsonKind describes a decoded JSON value without repeating it.
func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if v == "" {
			return "an empty string"
		}
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	}
	return "an object"
}

// createCommand is the AWS CLI command that creates the secret r names.
func createCommand(r SecretRef) string {
	value := `"$VALUE"`
	if r.Key != "" {
		value = fmt.Sprintf(`'{%q: "VALUE"}'`, r.Key)
	}
	if r.From == FromSSM {
		return fmt.Sprintf("aws ssm put-parameter --type SecureString --name %s --value %s", r.Name, value)
	}
	return fmt.Sprintf("aws secretsmanager create-secret --name %s --secret-string %s", r.Name, value)
}
