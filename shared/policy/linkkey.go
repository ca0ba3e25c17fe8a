package policy

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// LinkKey is the key that signs the status links of form requests. A link
// carries a ticket ID and its signature; anyone with the link may read the
// ticket's status, no one can make a link for another ticket.
//
// Unlike tokens, it cannot be kept hashed: it is an HMAC key, used, not
// compared. So the config names where it is kept (forms_secret: {env: …},
// {ssm: …} or {secretsmanager: …}; forms_secret_env: NAME is short for
// the first), or gives it in plain for development.
type LinkKey struct {
	key []byte
}

// MinLinkKey is the shortest key accepted, in bytes: 256 bits, HMAC-SHA256's
// block of strength.
const MinLinkKey = 32

// NewLinkKey returns the LinkKey of a secret.
func NewLinkKey(secret string) LinkKey { return LinkKey{key: []byte(secret)} }

// IsSet reports whether the key was configured.
func (k LinkKey) IsSet() bool { return len(k.key) > 0 }

// Sum returns HMAC-SHA256 of msg under the key. Compare sums with
// hmac.Equal, which takes the same time wherever they differ.
func (k LinkKey) Sum(msg string) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// envName is what an environment variable's name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// linkKeyFields are the two top-level fields that may give the LinkKey,
// and the forms that need it: their values, nil when absent.
type linkKeyFields struct {
	plain, env, forms *yaml.Node
}

// linkKey reads the key from exactly one of its fields: forms_secret, in
// plain (for development) or as a SecretRef, or forms_secret_env, the name
// of an environment variable (forms_secret: {env: NAME} by another name).
// forms needs it; without forms it is optional.
func (p *parser) linkKey(f linkKeyFields, forms int) LinkKey {
	const howTo = "make one with: openssl rand -base64 32"
	want := fmt.Sprintf("a random secret of at least %d characters (%s)", MinLinkKey, howTo)
	var sv secretValue
	var at *yaml.Node
	var path string
	switch {
	case f.plain != nil && f.env != nil:
		p.errorf(f.env, "forms_secret_env", "set either forms_secret or forms_secret_env, not both")
		return LinkKey{}
	case f.env != nil:
		at, path = f.env, "forms_secret_env"
		name, ok := scalar(f.env)
		if !ok || !envName.MatchString(name) {
			p.errorf(f.env, path, "want the name of an environment variable, such as TIERLINE_FORMS_SECRET, got %s", kindName(f.env))
			return LinkKey{}
		}
		sv = p.refValue(SecretRef{From: FromEnv, Name: name}, f.env, path, want)
	case f.plain != nil:
		at, path = f.plain, "forms_secret"
		if f.plain.Kind != yaml.MappingNode && f.plain.Kind != yaml.ScalarNode {
			p.errorf(f.plain, path, "want %s, got %s", want, kindName(f.plain))
			return LinkKey{}
		}
		sv = p.secretText(f.plain, path, want)
	case forms > 0:
		p.errorf(f.forms, "forms", "forms need forms_secret, such as {ssm: /tierline/prod/forms-secret} or {env: TIERLINE_FORMS_SECRET}: it signs the status links requesters get")
		return LinkKey{}
	default:
		return LinkKey{}
	}
	switch {
	case !sv.known:
	case len(sv.text) >= MinLinkKey:
		return NewLinkKey(sv.text)
	case sv.from != "":
		p.errorf(at, path, "%s", sv.tooShort(MinLinkKey, howTo))
	default:
		p.errorf(at, path, "want %s, got %s", want, secretKind(at))
	}
	return LinkKey{}
}

// secretKind describes a secret's node without repeating the secret.
func secretKind(n *yaml.Node) string {
	if s, ok := scalar(n); ok {
		return fmt.Sprintf("%d characters", len(s))
	}
	return kindName(n)
}
