package policy

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Secret is a token or key, kept only as its SHA-256 so that a leaked config
// does not leak credentials. A plain value in the config (for development)
// is hashed on load.
type Secret struct {
	sum [sha256.Size]byte
	set bool
}

// NewSecret returns the Secret of a plain value.
func NewSecret(plain string) Secret {
	return Secret{sum: sha256.Sum256([]byte(plain)), set: true}
}

// IsSet reports whether the secret was configured.
func (s Secret) IsSet() bool { return s.set }

// Matches reports, in constant time, whether presented is the secret.
func (s Secret) Matches(presented string) bool {
	if !s.set || presented == "" {
		return false
	}
	sum := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(sum[:], s.sum[:]) == 1
}

// Hash returns the hex SHA-256 of plain, the form the config keeps.
func Hash(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// secretFields names the two fields that may give a secret, in plain or as
// a SecretRef (plainKey) or as its hex SHA-256 (hashKey), and holds their
// values (nil: absent). want says what the secret is, for messages.
type secretFields struct {
	plainKey, hashKey, want string
	plain, hashed           *yaml.Node
}

// secret reads the secret of item from exactly one of its two fields, and
// reports need when it gives neither.
func (p *parser) secret(item *yaml.Node, path string, f secretFields, need string) Secret {
	if f.plain != nil && f.hashed != nil {
		p.errorf(item, path, "set either %s or %s, not both", f.plainKey, f.hashKey)
		return Secret{}
	}
	if f.hashed != nil {
		s, ok := scalar(f.hashed)
		b, err := hex.DecodeString(strings.TrimSpace(s))
		if !ok || err != nil || len(b) != sha256.Size {
			p.errorf(f.hashed, join(path, f.hashKey), "want 64 hex digits of SHA-256 (make one with: printf %%s %s | sha256sum), got %s",
				strings.ToUpper(f.plainKey), kindName(f.hashed))
			return Secret{}
		}
		var sec Secret
		copy(sec.sum[:], b)
		sec.set = true
		return sec
	}
	if f.plain != nil {
		sv := p.secretText(f.plain, join(path, f.plainKey), f.want)
		if !sv.known {
			return Secret{} // reported, or read in the second pass
		}
		if sv.text != "" {
			return NewSecret(sv.text)
		}
	}
	p.errorf(item, path, "%s", need)
	return Secret{}
}
