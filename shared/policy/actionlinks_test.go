package policy_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
)

const actionsSecret = "actions-secret-for-tests-0123456789abcdef"

// TestParse_actionLinks checks the action_links block: its secret, its
// expiry and their defaults.
func TestParse_actionLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		enabled bool
		expire  time.Duration
	}{
		// Ensure a config without the block has no action links.
		{name: "absent", src: "{}", enabled: false},
		// Ensure a secret alone turns them on for a day.
		{name: "secret_only", src: "action_links: {secret: " + actionsSecret + "}\n", enabled: true, expire: policy.DefaultLinkExpiry},
		// Ensure the expiry is read.
		{name: "expire", src: "action_links: {secret: " + actionsSecret + ", expire: 4h}\n", enabled: true, expire: 4 * time.Hour},
		// Ensure the longest expiry is allowed.
		{name: "expire_7d", src: "action_links: {secret: " + actionsSecret + ", expire: 7d}\n", enabled: true, expire: 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MustParse(t, tt.src).ActionLinks
			if got.Enabled() != tt.enabled || (tt.enabled && got.Expire != tt.expire) {
				t.Errorf("ActionLinks = enabled %v, expire %s; want %v, %s", got.Enabled(), got.Expire, tt.enabled, tt.expire)
			}
		})
	}
}

// TestParse_actionLinksProblems checks every way action_links is refused.
func TestParse_actionLinksProblems(t *testing.T) {
	t.Parallel()
	runProblemTests(t, []problemTest{
		// Ensure the block needs a secret, and says how to make one.
		{name: "no_secret", src: "action_links: {expire: 1h}\n", want: []string{
			`test.yaml:1: action_links.secret: action links need a secret, such as {env: TIERLINE_ACTIONS_SECRET} or {ssm: /tierline/prod/actions-secret}: a random secret of at least 32 characters (make one with: openssl rand -base64 32)`}},
		// Ensure a short secret is refused without repeating it.
		{name: "secret_short", src: "action_links: {secret: tooshort}\n", want: []string{
			`test.yaml:1: action_links.secret: want a random secret of at least 32 characters (make one with: openssl rand -base64 32), got 8 characters`}},
		// Ensure a secret of the wrong kind is refused.
		{name: "secret_list", src: "action_links: {secret: [a]}\n", want: []string{
			`test.yaml:1: action_links.secret: want a random secret of at least 32 characters (make one with: openssl rand -base64 32), got a list`}},
		// Ensure an unset environment variable says how to set it.
		{name: "secret_env_unset", src: "action_links:\n  secret: {env: TIERLINE_TEST_NEVER_SET_9C2B}\n", want: []string{
			`test.yaml:2: action_links.secret: the environment variable TIERLINE_TEST_NEVER_SET_9C2B is not set; set it to a random secret of at least 32 characters (make one with: openssl rand -base64 32)`}},
		// Ensure SSM is refused where nothing reads it, at its line.
		{name: "secret_ssm_locally", src: "action_links:\n  secret: {ssm: /tierline/prod/actions-secret}\n", want: []string{
			`test.yaml:2: action_links.secret: SSM parameter /tierline/prod/actions-secret is read only on AWS, where the functions read it at cold start; for tierline serve name an environment variable instead ({env: NAME}), or give the value in plain for development`}},
		// Ensure an expiry under five minutes is refused: a page is not read that fast.
		{name: "expire_too_short", src: "action_links: {secret: " + actionsSecret + ", expire: 1m}\n", want: []string{
			`test.yaml:1: action_links.expire: want from 5m0s to 168h0m0s (7d), got 1m0s: a link in an inbox is a way in for as long as it works`}},
		// Ensure an expiry over a week is refused.
		{name: "expire_too_long", src: "action_links: {secret: " + actionsSecret + ", expire: 30d}\n", want: []string{
			`test.yaml:1: action_links.expire: want from 5m0s to 168h0m0s (7d), got 720h0m0s: a link in an inbox is a way in for as long as it works`}},
		// Ensure an unknown field lists the known ones.
		{name: "unknown_field", src: "action_links: {secret: " + actionsSecret + ", ttl: 1h}\n", want: []string{
			`test.yaml:1: action_links: unknown field "ttl" (known fields: expire, secret)`}},
		// Ensure a secret given in place of the block is refused without repeating it.
		{name: "secret_in_place_of_block", src: "action_links: " + actionsSecret + "\n", want: []string{
			`test.yaml:1: action_links: want a mapping such as {secret: {env: TIERLINE_ACTIONS_SECRET}, expire: 24h}, got a string`}},
		// Ensure the block must be a mapping.
		{name: "list", src: "action_links: [a]\n", want: []string{
			`test.yaml:1: action_links: want a mapping of fields, got a list`}},
	})
}
