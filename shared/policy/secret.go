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

// secret reads a plain secret from plainKey or a hex SHA-256 from hashKey,
// exactly one of the two being set.
func (p *parser) secret(n *yaml.Node, path, plain, hashed string) Secret {
	switch {
	case plain != "" && hashed != "":
		p.errorf(n, path, "set either the plain secret or its sha256, not both")
	case plain != "":
		return NewSecret(plain)
	case hashed != "":
		b, err := hex.DecodeString(strings.TrimSpace(hashed))
		if err != nil || len(b) != sha256.Size {
			p.errorf(n, path, "want 64 hex digits of SHA-256 (make one with: printf %%s TOKEN | sha256sum), got %q", hashed)
			return Secret{}
		}
		var s Secret
		copy(s.sum[:], b)
		s.set = true
		return s
	}
	return Secret{}
}
