package policy

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"os"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// LinkKey is the key that signs the status links of form requests. A link
// carries a ticket ID and its signature; anyone with the link may read the
// ticket's status, no one can make a link for another ticket.
//
// Unlike tokens, it cannot be kept hashed: it is an HMAC key, used, not
// compared. So the config names an environment variable that holds it
// (forms_secret_env), or gives it in plain for development (forms_secret).
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

// linkKey reads the key from exactly one of its fields, reading the
// environment for forms_secret_env. forms needs it; without forms it is
// optional.
func (p *parser) linkKey(f linkKeyFields, forms int) LinkKey {
	const howTo = "make one with: openssl rand -base64 32"
	switch {
	case f.plain != nil && f.env != nil:
		p.errorf(f.env, "forms_secret_env", "set either forms_secret or forms_secret_env, not both")
	case f.env != nil:
		name, ok := scalar(f.env)
		if !ok || !envName.MatchString(name) {
			p.errorf(f.env, "forms_secret_env", "want the name of an environment variable, such as TIERLINE_FORMS_SECRET, got %s", kindName(f.env))
			return LinkKey{}
		}
		v, set := os.LookupEnv(name)
		switch {
		case !set || v == "":
			p.errorf(f.env, "forms_secret_env", "the environment variable %s is not set; set it to a random secret of at least %d characters (%s)", name, MinLinkKey, howTo)
		case len(v) < MinLinkKey:
			p.errorf(f.env, "forms_secret_env", "the secret in %s is %d characters; use at least %d (%s)", name, len(v), MinLinkKey, howTo)
		default:
			return NewLinkKey(v)
		}
	case f.plain != nil:
		s, ok := scalar(f.plain)
		if !ok || len(s) < MinLinkKey {
			p.errorf(f.plain, "forms_secret", "want a random secret of at least %d characters (%s), got %s",
				MinLinkKey, howTo, secretKind(f.plain))
			return LinkKey{}
		}
		return NewLinkKey(s)
	case forms > 0:
		p.errorf(f.forms, "forms", "forms need forms_secret_env (or forms_secret, for development): it signs the status links requesters get")
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
