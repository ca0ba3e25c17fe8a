package policy_test

import (
	"testing"

	"github.com/tierline/tierline/shared/policy"
)

// TestConfig_APIKey checks finding the api key a request presents.
func TestConfig_APIKey(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `api_keys:
  - {name: ops, sha256: `+policy.Hash("ops-key")+`}
  - {name: dev-cli, key: dev-key}
  - {name: grafana-reader, sha256: `+policy.Hash("reader-key")+`}
`)
	tests := []struct {
		name      string
		presented string
		want      string // "" when no key matches
	}{
		// Ensure the first key, kept hashed, is found by its plain value.
		{name: "first_hashed", presented: "ops-key", want: "ops"},
		// Ensure a plain development key is found.
		{name: "plain", presented: "dev-key", want: "dev-cli"},
		// Ensure the last key is found too, not only the first.
		{name: "last", presented: "reader-key", want: "grafana-reader"},
		// Ensure a wrong key finds nothing.
		{name: "wrong", presented: "ops-key2", want: ""},
		// Ensure a key's hash is not itself a key.
		{name: "hash_as_key", presented: policy.Hash("ops-key"), want: ""},
		// Ensure a key differing only in case finds nothing.
		{name: "case", presented: "OPS-KEY", want: ""},
		// Ensure an empty key finds nothing.
		{name: "empty", presented: "", want: ""},
		// Ensure a key name is not a key.
		{name: "name_as_key", presented: "ops", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, ok := c.APIKey(tt.presented)
			if ok != (tt.want != "") || k.Name != tt.want {
				t.Errorf("APIKey(%q)=%q, %v, want %q, %v", tt.presented, k.Name, ok, tt.want, tt.want != "")
			}
		})
	}

	// Ensure a config without api keys lets nobody in.
	if k, ok := MustParse(t, `{}`).APIKey("ops-key"); ok {
		t.Errorf("APIKey on a config without keys=%q, true, want not found", k.Name)
	}
}

// TestParse_apiKeyProblems checks every way an api key is refused.
func TestParse_apiKeyProblems(t *testing.T) {
	t.Parallel()
	const hex = "want 64 hex digits of SHA-256 (make one with: printf %s KEY | sha256sum), got "
	runProblemTests(t, []problemTest{
		// Ensure a key without a secret is refused.
		{name: "secret_missing", src: "api_keys:\n  - {name: ops}\n", want: []string{
			`test.yaml:2: api_keys[0]: api key "ops" needs sha256 (or key, for development)`}},
		// Ensure a key with both a plain key and its sha256 is refused.
		{name: "key_and_sha256", src: "api_keys:\n  - name: ops\n    key: k\n    sha256: " + policy.Hash("k") + "\n", want: []string{
			`test.yaml:2: api_keys[0]: set either key or sha256, not both`}},
		// Ensure a malformed sha256 is refused on its line with how to make one.
		{name: "sha256_bad", src: "api_keys:\n  - name: ops\n    sha256: 1234\n", want: []string{
			`test.yaml:3: api_keys[0].sha256: ` + hex + `"1234"`}},
		// Ensure a name that would not read well as an actor is refused.
		{name: "name_bad", src: "api_keys:\n  - {name: Ops Team, key: k}\n", want: []string{
			`test.yaml:2: api_keys[0].name: want 1 to 63 of a-z, 0-9, - and _, got "Ops Team"`}},
		// Ensure a key without a name is refused.
		{name: "name_missing", src: "api_keys:\n  - {key: k}\n", want: []string{
			`test.yaml:2: api_keys[0].name: want 1 to 63 of a-z, 0-9, - and _, got ""`}},
		// Ensure two keys may not share a name, reported at the second.
		{name: "duplicate_name", src: "api_keys:\n  - {name: ops, key: a}\n  - {name: ops, key: b}\n", want: []string{
			`test.yaml:3: api_keys[1].name: the name "ops" is used twice; it names the actor on timelines, so rename one`}},
	})
}
