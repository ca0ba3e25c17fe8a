package ticket

import (
	"fmt"
	"strings"
)

// Tier is a support tier: L1 helpdesk, L2 specialists, L3 experts. Each tier
// has its own queue, on-call channels and deadlines.
type Tier uint8

// The tiers, lowest first. The zero Tier is "no tier".
const (
	L1 Tier = 1
	L2 Tier = 2
	L3 Tier = 3
)

// Tiers lists every tier, lowest first.
var Tiers = []Tier{L1, L2, L3}

// Valid reports whether t is one of L1, L2, L3.
func (t Tier) Valid() bool { return t >= L1 && t <= L3 }

// String returns "L1", "L2" or "L3" ("" for the zero Tier).
func (t Tier) String() string {
	if !t.Valid() {
		if t == 0 {
			return ""
		}
		return fmt.Sprintf("L%d?", uint8(t))
	}
	return fmt.Sprintf("L%d", uint8(t))
}

// Next returns the tier above t, and false when t is the top tier.
func (t Tier) Next() (Tier, bool) {
	if t >= L3 {
		return t, false
	}
	return t + 1, true
}

// ParseTier reads "L1", "l2", "3" and the like.
func ParseTier(s string) (Tier, error) {
	v := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "L")
	switch v {
	case "1":
		return L1, nil
	case "2":
		return L2, nil
	case "3":
		return L3, nil
	}
	return 0, Errorf(Invalid, "unknown tier %q: want L1, L2 or L3", s)
}

// MarshalText encodes t as "L1".."L3".
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes "L1".."L3"; an empty text is the zero Tier.
func (t *Tier) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = 0
		return nil
	}
	v, err := ParseTier(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
