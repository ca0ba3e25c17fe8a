package policy_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// TestParse_problems checks the problems block and its defaults.
func TestParse_problems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want policy.Problems
	}{
		// Ensure problem records are off without the block.
		{name: "absent", src: "{}", want: policy.Problems{}},
		// Ensure every field is read.
		{name: "full", src: "problems: {after: 4, within: 36h, tier: L3, priority: P2}\n",
			want: policy.Problems{After: 4, Within: 36 * time.Hour, Tier: ticket.L3, Priority: ticket.P2}},
		// Ensure an empty block turns them on with the defaults.
		{name: "empty", src: "problems: {}\n",
			want: policy.Problems{After: 3, Within: 7 * 24 * time.Hour, Tier: ticket.L2, Priority: ticket.P3}},
		// Ensure the key alone turns them on too.
		{name: "null", src: "problems:\n",
			want: policy.Problems{After: 3, Within: 7 * 24 * time.Hour, Tier: ticket.L2, Priority: ticket.P3}},
		// Ensure the longest window is allowed.
		{name: "within_90d", src: "problems: {within: 90d}\n",
			want: policy.Problems{After: 3, Within: 90 * 24 * time.Hour, Tier: ticket.L2, Priority: ticket.P3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MustParse(t, tt.src).Problems
			if got != tt.want {
				t.Errorf("Problems = %+v, want %+v", got, tt.want)
			}
			if got.Enabled() != (tt.want.After > 0) {
				t.Errorf("Enabled = %v", got.Enabled())
			}
		})
	}
}

// TestParse_problemsProblems checks that bad values are refused at their
// line and field.
func TestParse_problemsProblems(t *testing.T) {
	t.Parallel()
	runProblemTests(t, []problemTest{
		// Ensure one ticket is not a recurrence.
		{name: "after_1", src: "problems:\n  after: 1\n", want: []string{
			`test.yaml:2: problems.after: want a whole number from 2 to 100, got "1"`}},
		// Ensure a word is not a count.
		{name: "after_word", src: "problems: {after: many}\n", want: []string{
			`test.yaml:1: problems.after: want a whole number from 2 to 100, got "many"`}},
		// Ensure the window is a duration.
		{name: "within_bad", src: "problems:\n  within: soon\n", want: []string{
			`test.yaml:2: problems.within: want a positive duration such as 90s, 15m, 4h or 2d, got "soon"`}},
		// Ensure the window fits the tickets' retention.
		{name: "within_long", src: "problems:\n  within: 91d\n", want: []string{
			`test.yaml:2: problems.within: want at most 90d, got 91d: tickets are kept 90 days, so an older one cannot be counted`}},
		// Ensure the tier is a tier.
		{name: "tier_bad", src: "problems:\n  tier: L4\n", want: []string{
			`test.yaml:2: problems.tier: unknown tier "L4": want L1, L2 or L3`}},
		// Ensure the priority is a priority.
		{name: "priority_bad", src: "problems:\n  priority: urgent\n", want: []string{
			`test.yaml:2: problems.priority: unknown priority "urgent": want P1 to P5`}},
		// Ensure an unknown field is named with the known ones.
		{name: "unknown", src: "problems:\n  count: 3\n", want: []string{
			`test.yaml:2: problems: unknown field "count" (known fields: after, priority, tier, within)`}},
		// Ensure a scalar is not a block.
		{name: "scalar", src: "problems: yes\n", want: []string{
			`test.yaml:1: problems: want a mapping such as {after: 3, within: 7d, tier: L2, priority: P3}, got "yes"`}},
	})
}
