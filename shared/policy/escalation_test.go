package policy_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// escalationConfig has a user default without L3 and policies that skip tiers.
const escalationConfig = `policies:
  default:
    L1: {acknowledge: 10m, resolve: 1h}
    L2: {acknowledge: 20m, resolve: 2h}
  gap:
    L1: {acknowledge: 1m, resolve: 10m}
    L3: {acknowledge: 3m, resolve: 30m, repeat: 2}
  high:
    L2: {acknowledge: 2m, resolve: 20m}
  single:
    L1: {acknowledge: 5m, resolve: 50m, repeat: 4}
`

// tierPolicy returns a TierPolicy with the given deadlines and repeats.
func tierPolicy(ack, res time.Duration, repeat int) policy.TierPolicy {
	return policy.TierPolicy{Deadlines: ticket.Deadlines{Acknowledge: ack, Resolve: res}, Repeat: repeat}
}

// TestPolicy_TopAndAbove checks how a policy climbs the tiers it covers.
func TestPolicy_TopAndAbove(t *testing.T) {
	t.Parallel()
	c := MustParse(t, escalationConfig)
	tests := []struct {
		name   string
		policy policy.Policy
		from   ticket.Tier
		top    ticket.Tier
		above  ticket.Tier
		ok     bool
	}{
		// Ensure the built-in policy climbs L1 → L2.
		{name: "builtin_l1", policy: builtin, from: ticket.L1, top: ticket.L3, above: ticket.L2, ok: true},
		// Ensure the built-in policy climbs L2 → L3.
		{name: "builtin_l2", policy: builtin, from: ticket.L2, top: ticket.L3, above: ticket.L3, ok: true},
		// Ensure nothing is above L3.
		{name: "builtin_l3", policy: builtin, from: ticket.L3, top: ticket.L3, above: ticket.L3, ok: false},
		// Ensure a policy with only L1 and L3 escalates L1 → L3, skipping L2.
		{name: "gap_l1", policy: c.Policies["gap"], from: ticket.L1, top: ticket.L3, above: ticket.L3, ok: true},
		// Ensure a ticket escalated by hand to a tier the policy skips still climbs to the next covered one.
		{name: "gap_l2", policy: c.Policies["gap"], from: ticket.L2, top: ticket.L3, above: ticket.L3, ok: true},
		// Ensure a user default without L3 stops at L2.
		{name: "user_default_l2", policy: c.Policies["default"], from: ticket.L2, top: ticket.L2, above: ticket.L2, ok: false},
		// Ensure a policy starting at L2 climbs from L1 to it.
		{name: "high_l1", policy: c.Policies["high"], from: ticket.L1, top: ticket.L2, above: ticket.L2, ok: true},
		// Ensure a ticket above a policy's top finds nothing above.
		{name: "high_l3", policy: c.Policies["high"], from: ticket.L3, top: ticket.L2, above: ticket.L3, ok: false},
		// Ensure a single-tier policy has nothing above it.
		{name: "single_l1", policy: c.Policies["single"], from: ticket.L1, top: ticket.L1, above: ticket.L1, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.policy.Top(); got != tt.top {
				t.Errorf("Top=%v, want %v", got, tt.top)
			}
			if got, ok := tt.policy.Above(tt.from); got != tt.above || ok != tt.ok {
				t.Errorf("Above(%v)=%v, %v, want %v, %v", tt.from, got, ok, tt.above, tt.ok)
			}
		})
	}
}

// TestConfig_PolicyAndTier checks the fallbacks for policies and tiers that
// a ticket names but the config no longer has.
func TestConfig_PolicyAndTier(t *testing.T) {
	t.Parallel()
	c := MustParse(t, escalationConfig)
	builtinConfig := MustParse(t, `{}`)

	// Ensure a known policy is returned as configured.
	if got := c.Policy("gap"); !reflect.DeepEqual(got, c.Policies["gap"]) || got.Name != "gap" {
		t.Errorf("Policy(gap)=%+v, want %+v", got, c.Policies["gap"])
	}
	// Ensure an unknown policy falls back to the default one.
	if got := c.Policy("retired"); got.Name != policy.DefaultPolicy || !reflect.DeepEqual(got, c.Policies["default"]) {
		t.Errorf("Policy(retired)=%+v, want the default %+v", got, c.Policies["default"])
	}
	// Ensure an unknown policy falls back to the built-in default when the config has none.
	if got := builtinConfig.Policy("retired"); !reflect.DeepEqual(got, builtin) {
		t.Errorf("Policy(retired) without a user default=%+v, want %+v", got, builtin)
	}

	tests := []struct {
		name   string
		config *policy.Config
		policy string
		tier   ticket.Tier
		want   policy.TierPolicy
	}{
		// Ensure a tier the policy covers gives its own deadlines.
		{name: "covered", config: c, policy: "gap", tier: ticket.L3, want: tierPolicy(3*time.Minute, 30*time.Minute, 2)},
		// Ensure a tier the policy skips borrows the default policy's.
		{name: "skipped_borrows_default", config: c, policy: "gap", tier: ticket.L2, want: tierPolicy(20*time.Minute, 2*time.Hour, 0)},
		// Ensure a tier neither the policy nor the default covers borrows the built-in one.
		{name: "uncovered_borrows_builtin", config: c, policy: "high", tier: ticket.L3, want: tierPolicy(time.Hour, 24*time.Hour, 3)},
		// Ensure the default policy's missing tier borrows the built-in one.
		{name: "default_borrows_builtin", config: c, policy: "default", tier: ticket.L3, want: tierPolicy(time.Hour, 24*time.Hour, 3)},
		// Ensure an unknown policy uses the default's tier.
		{name: "unknown_policy", config: c, policy: "retired", tier: ticket.L1, want: tierPolicy(10*time.Minute, time.Hour, 0)},
		// Ensure an unknown policy at a tier the default lacks uses the built-in one.
		{name: "unknown_policy_builtin_tier", config: c, policy: "retired", tier: ticket.L3, want: tierPolicy(time.Hour, 24*time.Hour, 3)},
		// Ensure the built-in default gives the documented L1.
		{name: "builtin_l1", config: builtinConfig, policy: "default", tier: ticket.L1, want: tierPolicy(15*time.Minute, 4*time.Hour, 0)},
		// Ensure the built-in default gives the documented L2.
		{name: "builtin_l2", config: builtinConfig, policy: "default", tier: ticket.L2, want: tierPolicy(30*time.Minute, 8*time.Hour, 0)},
		// Ensure the built-in default gives the documented L3, with 3 repeats.
		{name: "builtin_l3", config: builtinConfig, policy: "default", tier: ticket.L3, want: tierPolicy(time.Hour, 24*time.Hour, 3)},
		// Ensure the zero Tier has no deadlines rather than made-up ones.
		{name: "zero_tier", config: c, policy: "gap", tier: 0, want: policy.TierPolicy{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.config.Tier(tt.policy, tt.tier); got != tt.want {
				t.Errorf("Tier(%q, %v)=%+v, want %+v", tt.policy, tt.tier, got, tt.want)
			}
			if got := tt.config.Deadlines(tt.policy, tt.tier); got != tt.want.Deadlines {
				t.Errorf("Deadlines(%q, %v)=%+v, want %+v", tt.policy, tt.tier, got, tt.want.Deadlines)
			}
		})
	}
}

// TestParse_policies checks policies that load.
func TestParse_policies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want map[ticket.Tier]policy.TierPolicy
	}{
		// Ensure repeat is accepted at the top tier.
		{name: "repeat_at_top", src: "L1: {acknowledge: 1m, resolve: 1h}\n    L2: {acknowledge: 2m, resolve: 2h, repeat: 20}",
			want: map[ticket.Tier]policy.TierPolicy{ticket.L1: tierPolicy(time.Minute, time.Hour, 0), ticket.L2: tierPolicy(2*time.Minute, 2*time.Hour, 20)}},
		// Ensure repeat 0 is accepted anywhere: it is the same as none.
		{name: "repeat_zero_below_top", src: "L1: {acknowledge: 1m, resolve: 1h, repeat: 0}\n    L3: {acknowledge: 2m, resolve: 2h}",
			want: map[ticket.Tier]policy.TierPolicy{ticket.L1: tierPolicy(time.Minute, time.Hour, 0), ticket.L3: tierPolicy(2*time.Minute, 2*time.Hour, 0)}},
		// Ensure a policy may start above L1.
		{name: "only_l3", src: "L3: {acknowledge: 1h, resolve: 1d, repeat: 1}",
			want: map[ticket.Tier]policy.TierPolicy{ticket.L3: tierPolicy(time.Hour, 24*time.Hour, 1)}},
		// Ensure a resolve deadline shorter than the acknowledge one is allowed: they run one after the other.
		{name: "resolve_shorter", src: "L1: {acknowledge: 1h, resolve: 30m}",
			want: map[ticket.Tier]policy.TierPolicy{ticket.L1: tierPolicy(time.Hour, 30*time.Minute, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, "policies:\n  p:\n    "+tt.src+"\n")
			want := policy.Policy{Name: "p", Tiers: tt.want}
			if got := c.Policies["p"]; !reflect.DeepEqual(got, want) {
				t.Errorf("Policies[p]=%+v, want %+v", got, want)
			}
		})
	}
}

// TestParse_policyProblems checks every way a policy is refused.
func TestParse_policyProblems(t *testing.T) {
	t.Parallel()
	const example = "set both, e.g. {acknowledge: 15m, resolve: 4h}"
	const repeat = "want a whole number from 0 to 20, got "
	runProblemTests(t, []problemTest{
		// Ensure a tier without a resolve deadline is refused with an example.
		{name: "missing_resolve", src: "policies:\n  default:\n    L1:\n      acknowledge: 15m\n", want: []string{
			`test.yaml:4: policies.default.L1: missing resolve; ` + example}},
		// Ensure a tier without an acknowledge deadline is refused with an example.
		{name: "missing_acknowledge", src: "policies:\n  default:\n    L1: {resolve: 4h}\n", want: []string{
			`test.yaml:3: policies.default.L1: missing acknowledge; ` + example}},
		// Ensure an empty tier is refused, naming both deadlines.
		{name: "missing_both", src: "policies:\n  default:\n    L2: {}\n", want: []string{
			`test.yaml:3: policies.default.L2: missing acknowledge and resolve; ` + example}},
		// Ensure a bad deadline is reported once, without claiming it is missing.
		{name: "bad_not_missing", src: "policies:\n  default:\n    L1: {acknowledge: soon, resolve: 4h}\n", want: []string{
			`test.yaml:3: policies.default.L1.acknowledge: want a positive duration such as 90s, 15m, 4h or 2d, got "soon"`}},
		// Ensure a tier given as a scalar is refused once.
		{name: "tier_scalar", src: "policies:\n  default:\n    L1: 15m\n", want: []string{
			`test.yaml:3: policies.default.L1: want a mapping of fields, got "15m"`}},
		// Ensure a policy that covers no tier is refused with an example.
		{name: "no_tier", src: "policies:\n  quiet: {}\n", want: []string{
			`test.yaml:2: policies.quiet: policy "quiet" covers no tier; give it at least L1, e.g. {L1: {acknowledge: 15m, resolve: 4h}}`}},
		// Ensure a policy given as a list is refused once.
		{name: "policy_list", src: "policies:\n  quiet: [L1]\n", want: []string{
			`test.yaml:2: policies.quiet: want a mapping, got a list`}},
		// Ensure one tier spelt twice is refused.
		{name: "tier_twice", src: "policies:\n  p:\n    L1: {acknowledge: 1m, resolve: 1h}\n    l1: {acknowledge: 2m, resolve: 2h}\n", want: []string{
			`test.yaml:4: policies.p.l1: L1 is set twice in policy "p"; keep one`}},
		// Ensure repeat below the top tier is refused on its line: it would never apply.
		{name: "repeat_below_top", src: `policies:
  default:
    L1: {acknowledge: 15m, resolve: 4h}
    L2:
      acknowledge: 30m
      resolve: 8h
      repeat: 2
    L3: {acknowledge: 1h, resolve: 24h}
`, want: []string{
			`test.yaml:7: policies.default.L2.repeat: repeat applies only at the policy's top tier, L3; move it there`}},
		// Ensure repeats on two lower tiers are reported in file order.
		{name: "repeat_below_top_twice", src: `policies:
  p:
    L2: {acknowledge: 2m, resolve: 2h, repeat: 1}
    L1: {acknowledge: 1m, resolve: 1h, repeat: 1}
    L3: {acknowledge: 3m, resolve: 3h}
`, want: []string{
			`test.yaml:3: policies.p.L2.repeat: repeat applies only at the policy's top tier, L3; move it there`,
			`test.yaml:4: policies.p.L1.repeat: repeat applies only at the policy's top tier, L3; move it there`}},
		// Ensure a negative repeat is refused.
		{name: "repeat_negative", src: "policies:\n  p:\n    L1: {acknowledge: 1m, resolve: 1h, repeat: -1}\n", want: []string{
			`test.yaml:3: policies.p.L1.repeat: ` + repeat + `"-1"`}},
		// Ensure more than 20 repeats is refused.
		{name: "repeat_too_many", src: "policies:\n  p:\n    L1: {acknowledge: 1m, resolve: 1h, repeat: 21}\n", want: []string{
			`test.yaml:3: policies.p.L1.repeat: ` + repeat + `"21"`}},
		// Ensure a repeat that is not a whole number is refused.
		{name: "repeat_fraction", src: "policies:\n  p:\n    L1: {acknowledge: 1m, resolve: 1h, repeat: 1.5}\n", want: []string{
			`test.yaml:3: policies.p.L1.repeat: ` + repeat + `"1.5"`}},
		// Ensure a repeat of the wrong kind is refused once.
		{name: "repeat_list", src: "policies:\n  p:\n    L1: {acknowledge: 1m, resolve: 1h, repeat: [1]}\n", want: []string{
			`test.yaml:3: policies.p.L1.repeat: ` + repeat + `a list`}},
	})
}
