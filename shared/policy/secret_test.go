package policy_test

import (
	"testing"

	"github.com/tierline/tierline/shared/policy"
)

// TestSecret_Matches checks that a secret matches its value and nothing
// else, whether the config gave it in plain or as its sha256.
func TestSecret_Matches(t *testing.T) {
	t.Parallel()
	const token = "dev-only-plain-token"
	c := MustParse(t, `integrations:
  - {name: plain, kind: generic, token: `+token+`}
  - {name: hashed, kind: generic, token_sha256: `+policy.Hash(token)+`}
`)
	secrets := map[string]policy.Secret{
		"new_secret":    policy.NewSecret(token),
		"plain_config":  c.Integrations[0].Token,
		"sha256_config": c.Integrations[1].Token,
	}
	tests := []struct {
		name      string
		presented string
		want      bool
	}{
		// Ensure the value itself matches.
		{name: "value", presented: token, want: true},
		// Ensure a different value does not.
		{name: "wrong", presented: "dev-only-plain-tokeN", want: false},
		// Ensure a prefix of the value does not.
		{name: "prefix", presented: token[:len(token)-1], want: false},
		// Ensure the value with a trailing newline does not: nothing is trimmed.
		{name: "trailing_newline", presented: token + "\n", want: false},
		// Ensure the stored hash is not accepted in place of the value.
		{name: "hash", presented: policy.Hash(token), want: false},
		// Ensure an empty value never matches.
		{name: "empty", presented: "", want: false},
	}
	for kind, s := range secrets {
		// Ensure every secret is set.
		if !s.IsSet() {
			t.Errorf("%s: IsSet()=false, want true", kind)
		}
		for _, tt := range tests {
			if got := s.Matches(tt.presented); got != tt.want {
				t.Errorf("%s: Matches(%q)=%v, want %v", kind, tt.presented, got, tt.want)
			}
		}
	}
}

// TestSecret_unset checks that a secret nobody configured matches nothing.
func TestSecret_unset(t *testing.T) {
	t.Parallel()
	var s policy.Secret
	// Ensure the zero Secret is not set.
	if s.IsSet() {
		t.Errorf("IsSet()=true, want false")
	}
	// Ensure it matches no value, not even the empty one whose hash it is not.
	for _, presented := range []string{"", "x", policy.Hash("")} {
		if s.Matches(presented) {
			t.Errorf("Matches(%q)=true, want false", presented)
		}
	}
	// Ensure NewSecret of the empty value still never matches an empty presentation.
	if policy.NewSecret("").Matches("") {
		t.Errorf("NewSecret(\"\").Matches(\"\")=true, want false")
	}
}

// TestHash checks the hex sha256 the config keeps.
func TestHash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		plain string
		want  string
	}{
		// Ensure the hash of nothing is the well-known empty sha256.
		{name: "empty", plain: "", want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		// Ensure the hash agrees with `printf %s abc | sha256sum`, as the error message suggests.
		{name: "abc", plain: "abc", want: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := policy.Hash(tt.plain); got != tt.want {
				t.Errorf("Hash(%q)=%q, want %q", tt.plain, got, tt.want)
			}
		})
	}
}
