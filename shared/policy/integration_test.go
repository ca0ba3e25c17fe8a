package policy_test

import (
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/policy"
)

// TestParse_integrations checks integrations that load.
func TestParse_integrations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		src   string
		token string // presented, must match
	}{
		// Ensure a plain development token is accepted and kept hashed.
		{name: "plain_token", src: `{name: prometheus, kind: generic, token: "dev-only-plain-token"}`, token: "dev-only-plain-token"},
		// Ensure a sha256 is accepted in lower case.
		{name: "hashed_token", src: `{name: grafana, kind: generic, token_sha256: ` + policy.Hash("s3cret") + `}`, token: "s3cret"},
		// Ensure a sha256 is accepted in upper case, as some tools print it.
		{name: "hashed_token_upper", src: `{name: grafana, kind: generic, token_sha256: ` + strings.ToUpper(policy.Hash("s3cret")) + `}`, token: "s3cret"},
		// Ensure the shortest URL-safe name is accepted.
		{name: "one_char_name", src: `{name: x, kind: generic, token: t}`, token: "t"},
		// Ensure the longest URL-safe name is accepted, with digits, - and _.
		{name: "long_name", src: `{name: ` + "a" + strings.Repeat("0_-", 20) + "zz" + `, kind: generic, token: t}`, token: "t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, "integrations:\n  - "+tt.src+"\n")
			if len(c.Integrations) != 1 {
				t.Fatalf("len(Integrations)=%d, want 1", len(c.Integrations))
			}
			in := c.Integrations[0]
			if got, ok := c.Integration(in.Name); !ok || got.Name != in.Name {
				t.Errorf("Integration(%q) found=%v, want true", in.Name, ok)
			}
			if !in.Token.Matches(tt.token) {
				t.Errorf("Token.Matches(%q)=false, want true", tt.token)
			}
			if in.Token.Matches(tt.token + "x") {
				t.Errorf("Token.Matches(%q)=true, want false", tt.token+"x")
			}
		})
	}
}

// TestParse_integrationProblems checks every way an integration is refused.
func TestParse_integrationProblems(t *testing.T) {
	t.Parallel()
	kinds := strings.Join(policy.Kinds, ", ")
	const name = "want 1 to 63 of a-z, 0-9, - and _ (it becomes part of the hook URL), got "
	const hex = "want 64 hex digits of SHA-256 (make one with: printf %s TOKEN | sha256sum), got "
	runProblemTests(t, []problemTest{
		// Ensure an upper-case name is refused: it becomes part of the hook URL.
		{name: "name_upper_case", src: "integrations:\n  - {name: Prometheus, kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"Prometheus"`}},
		// Ensure a name with a slash is refused.
		{name: "name_slash", src: "integrations:\n  - {name: team/prom, kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"team/prom"`}},
		// Ensure a name with a space is refused.
		{name: "name_space", src: "integrations:\n  - {name: \"my hook\", kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"my hook"`}},
		// Ensure a name must start with a letter or digit.
		{name: "name_leading_dash", src: "integrations:\n  - {name: -prom, kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"-prom"`}},
		// Ensure a name of 64 characters is refused.
		{name: "name_too_long", src: "integrations:\n  - {name: " + strings.Repeat("a", 64) + ", kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"` + strings.Repeat("a", 64) + `"`}},
		// Ensure a missing name is refused at the integration's line.
		{name: "name_missing", src: "integrations:\n  - kind: generic\n    token: t\n", want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `""`}},
		// Ensure a bad name in block style is reported on the name's own line.
		{name: "name_block_style", src: "integrations:\n  - kind: generic\n    token: t\n    name: Prom\n", want: []string{
			`test.yaml:4: integrations[0].name: ` + name + `"Prom"`}},
		// Ensure a name of the wrong kind is refused once.
		{name: "name_list", src: "integrations:\n  - {name: [a, b], kind: generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].name: want a string, got a list`}},
		// Ensure an unknown kind lists the known kinds.
		{name: "kind_unknown", src: "integrations:\n  - name: nagios\n    kind: nagios\n    token: t\n", want: []string{
			`test.yaml:3: integrations[0].kind: unknown kind "nagios": want one of ` + strings.Join(policy.Kinds, ", ")}},
		// Ensure kinds compare exactly: the kind picks a decoder.
		{name: "kind_upper_case", src: "integrations:\n  - {name: a, kind: Generic, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].kind: unknown kind "Generic": want one of ` + kinds}},
		// Ensure a missing kind is refused at the integration's line.
		{name: "kind_missing", src: "integrations:\n  - {name: a, token: t}\n", want: []string{
			`test.yaml:2: integrations[0].kind: unknown kind "": want one of ` + kinds}},
		// Ensure an integration without a token is refused: every sender authenticates.
		{name: "token_missing", src: "integrations:\n  - name: a\n    kind: generic\n", want: []string{
			`test.yaml:2: integrations[0]: integration "a" needs token or token_sha256: every sender authenticates`}},
		// Ensure an empty token is no token.
		{name: "token_empty", src: "integrations:\n  - {name: a, kind: generic, token: \"\"}\n", want: []string{
			`test.yaml:2: integrations[0]: integration "a" needs token or token_sha256: every sender authenticates`}},
		// Ensure a token of the wrong kind is refused once, without "needs token" on top.
		{name: "token_list", src: "integrations:\n  - name: a\n    kind: generic\n    token: [t1, t2]\n", want: []string{
			`test.yaml:4: integrations[0].token: want a string, or where the secret is kept such as {ssm: /tierline/prod/NAME}, got a list`}},
		// Ensure a token and its sha256 together are refused: which one counts would be a guess.
		{name: "token_and_sha256", src: "integrations:\n  - name: a\n    kind: generic\n    token: t\n    token_sha256: " + policy.Hash("t") + "\n", want: []string{
			`test.yaml:2: integrations[0]: set either token or token_sha256, not both`}},
		// Ensure a sha256 that is too short is refused with how to make one.
		{name: "sha256_short", src: "integrations:\n  - name: a\n    kind: generic\n    token_sha256: abc123\n", want: []string{
			`test.yaml:4: integrations[0].token_sha256: ` + hex + `"abc123"`}},
		// Ensure a sha256 one digit too long is refused.
		{name: "sha256_long", src: "integrations:\n  - {name: a, kind: generic, token_sha256: " + policy.Hash("t") + "0}\n", want: []string{
			`test.yaml:2: integrations[0].token_sha256: ` + hex + `"` + policy.Hash("t") + `0"`}},
		// Ensure 64 characters that are not hex are refused.
		{name: "sha256_not_hex", src: "integrations:\n  - {name: a, kind: generic, token_sha256: " + strings.Repeat("zz", 32) + "}\n", want: []string{
			`test.yaml:2: integrations[0].token_sha256: ` + hex + `"` + strings.Repeat("zz", 32) + `"`}},
		// Ensure the plain token pasted where its hash belongs is refused.
		{name: "sha256_plain_token", src: "integrations:\n  - {name: a, kind: generic, token_sha256: dev-only-plain-token}\n", want: []string{
			`test.yaml:2: integrations[0].token_sha256: ` + hex + `"dev-only-plain-token"`}},
		// Ensure an empty sha256 is refused as such.
		{name: "sha256_nothing", src: "integrations:\n  - {name: a, kind: generic, token_sha256: }\n", want: []string{
			`test.yaml:2: integrations[0].token_sha256: ` + hex + `nothing`}},
		// Ensure two integrations may not share a name, reported at the second.
		{name: "duplicate_name", src: `integrations:
  - {name: prometheus, kind: generic, token: a}
  - {name: grafana, kind: generic, token: b}
  - name: prometheus
    kind: generic
    token: c
`, want: []string{
			`test.yaml:4: integrations[2].name: the name "prometheus" is used twice; names are part of hook URLs and must be unique, so rename one`}},
		// Ensure every problem of one integration is reported, each on its line.
		{name: "several_problems", src: `integrations:
  - name: Bad Name
    kind: nope
    token_sha256: xyz
`, want: []string{
			`test.yaml:2: integrations[0].name: ` + name + `"Bad Name"`,
			`test.yaml:3: integrations[0].kind: unknown kind "nope": want one of ` + kinds,
			`test.yaml:4: integrations[0].token_sha256: ` + hex + `"xyz"`}},
	})
}
