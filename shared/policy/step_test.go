package policy_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// t0 is when the tickets under test open; every instant is an offset from it.
var t0 = time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)

// stepConfig keeps the built-in default and adds policies whose top is L2,
// with and without repeats, and one that skips L2.
const stepConfig = `policies:
  top2:
    L1: {acknowledge: 10m, resolve: 1h}
    L2: {acknowledge: 20m, resolve: 2h, repeat: 2}
  norepeat:
    L1: {acknowledge: 10m, resolve: 1h}
    L2: {acknowledge: 20m, resolve: 2h}
  gap:
    L1: {acknowledge: 1m, resolve: 10m}
    L3: {acknowledge: 3m, resolve: 30m, repeat: 1}
`

// MustTicket opens a ticket at t0 under pol at tier, with the deadlines c
// gives it, and brings it to status: acknowledged a minute after opening,
// resolved a minute after that.
func MustTicket(tb testing.TB, c *policy.Config, pol string, tier ticket.Tier, status ticket.Status) *ticket.Ticket {
	tb.Helper()
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: "disk-full/db1", Title: "Disk full on db1", Severity: "critical"}
	p := ticket.Placement{Tier: tier, Policy: pol, Deadlines: c.Deadlines(pol, tier)}
	t, err := ticket.New("01jq3v5x7k9m2p", "prometheus", s, p, nil, t0)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	if status != ticket.StatusOpen {
		if err := t.Acknowledge("alice", p.Deadlines, t0.Add(time.Minute)); err != nil {
			tb.Fatalf("Acknowledge: %v", err)
		}
	}
	if status == ticket.StatusResolved {
		if err := t.Resolve("alice", "freed space", t0.Add(2*time.Minute)); err != nil {
			tb.Fatalf("Resolve: %v", err)
		}
	}
	return t
}

// Apply records decision d on t at now through the ticket's own moves, as
// the escalate step's caller does. It reports what the move reported.
func Apply(tb testing.TB, t *ticket.Ticket, d policy.Decision, now time.Time) bool {
	tb.Helper()
	var err error
	switch d.Verdict {
	case policy.Escalate:
		err = t.Escalate(ticket.Escalation{To: d.To, Actor: ticket.Tierline, Reason: d.Reason, At: now, Deadlines: d.Deadlines})
	case policy.Repeat:
		err = t.Repeat(d.Reason, d.Deadlines, now)
	case policy.Exhausted:
		return t.Exhaust(d.Reason, now)
	default:
		tb.Fatalf("Apply: nothing to apply for %v", d.Verdict)
	}
	if err != nil {
		tb.Fatalf("Apply %v: %v", d.Verdict, err)
	}
	return true
}

// checkDecision compares every field of a decision.
func checkDecision(tb testing.TB, got, want policy.Decision) {
	tb.Helper()
	if got.Verdict != want.Verdict {
		tb.Errorf("Verdict=%v, want %v", got.Verdict, want.Verdict)
	}
	if got.To != want.To {
		tb.Errorf("To=%v, want %v", got.To, want.To)
	}
	if got.Reason != want.Reason {
		tb.Errorf("Reason=%q, want %q", got.Reason, want.Reason)
	}
	if got.Deadlines != want.Deadlines {
		tb.Errorf("Deadlines=%+v, want %+v", got.Deadlines, want.Deadlines)
	}
	if !got.Next.Equal(want.Next) {
		tb.Errorf("Next=%v, want %v", got.Next, want.Next)
	}
}

// TestConfig_Step checks every branch of the escalation step at fixed
// instants, then that applying its decision leaves nothing more to do at
// the same instant: a duplicate timer changes nothing.
func TestConfig_Step(t *testing.T) {
	t.Parallel()
	c := MustParse(t, stepConfig)
	var (
		l2     = ticket.Deadlines{Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour}
		l3     = ticket.Deadlines{Acknowledge: time.Hour, Resolve: 24 * time.Hour}
		top2L2 = ticket.Deadlines{Acknowledge: 20 * time.Minute, Resolve: 2 * time.Hour}
		gapL3  = ticket.Deadlines{Acknowledge: 3 * time.Minute, Resolve: 30 * time.Minute}
	)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	tests := []struct {
		name    string
		policy  string // default when empty
		tier    ticket.Tier
		status  ticket.Status
		repeats int
		now     time.Duration // after t0
		want    policy.Decision
	}{
		// Ensure a resolved ticket stops the clock.
		{name: "resolved_done", tier: ticket.L1, status: ticket.StatusResolved, now: time.Hour,
			want: policy.Decision{Verdict: policy.Done}},
		// Ensure a resolved ticket stops the clock long after every deadline.
		{name: "resolved_long_after", tier: ticket.L3, status: ticket.StatusResolved, now: 30 * 24 * time.Hour,
			want: policy.Decision{Verdict: policy.Done}},
		// Ensure a new ticket waits for its acknowledge deadline.
		{name: "open_at_creation_waits", tier: ticket.L1, status: ticket.StatusOpen, now: 0,
			want: policy.Decision{Verdict: policy.Wait, Next: at(15 * time.Minute)}},
		// Ensure an open ticket waits until the last instant before its acknowledge deadline.
		{name: "open_before_deadline_waits", tier: ticket.L1, status: ticket.StatusOpen, now: 15*time.Minute - time.Nanosecond,
			want: policy.Decision{Verdict: policy.Wait, Next: at(15 * time.Minute)}},
		// Ensure an acknowledged ticket waits for its resolve deadline, the acknowledge one no longer counting.
		{name: "acknowledged_waits_for_resolve", tier: ticket.L1, status: ticket.StatusAcknowledged, now: 3 * time.Hour,
			want: policy.Decision{Verdict: policy.Wait, Next: at(4 * time.Hour)}},
		// Ensure the step acts exactly at the acknowledge deadline, not an instant later.
		{name: "open_at_deadline_escalates", tier: ticket.L1, status: ticket.StatusOpen, now: 15 * time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not acknowledged within 15m at L1",
				Deadlines: l2, Next: at(45 * time.Minute)}},
		// Ensure an open ticket past its acknowledge deadline escalates to L2 with L2's deadlines from now.
		{name: "open_past_deadline_escalates", tier: ticket.L1, status: ticket.StatusOpen, now: 20 * time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not acknowledged within 15m at L1",
				Deadlines: l2, Next: at(50 * time.Minute)}},
		// Ensure an acknowledged ticket escalates exactly at its resolve deadline.
		{name: "acknowledged_at_deadline_escalates", tier: ticket.L1, status: ticket.StatusAcknowledged, now: 4 * time.Hour,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not resolved within 4h at L1",
				Deadlines: l2, Next: at(4*time.Hour + 30*time.Minute)}},
		// Ensure an acknowledged ticket past its resolve deadline escalates, open again at L2.
		{name: "acknowledged_past_deadline_escalates", tier: ticket.L1, status: ticket.StatusAcknowledged, now: 5 * time.Hour,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not resolved within 4h at L1",
				Deadlines: l2, Next: at(5*time.Hour + 30*time.Minute)}},
		// Ensure an open L2 ticket escalates to L3 with L3's deadlines.
		{name: "l2_open_escalates_to_l3", tier: ticket.L2, status: ticket.StatusOpen, now: 31 * time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L3, Reason: "not acknowledged within 30m at L2",
				Deadlines: l3, Next: at(91 * time.Minute)}},
		// Ensure an acknowledged L2 ticket escalates to L3 when not resolved in time.
		{name: "l2_acknowledged_escalates_to_l3", tier: ticket.L2, status: ticket.StatusAcknowledged, now: 9 * time.Hour,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L3, Reason: "not resolved within 8h at L2",
				Deadlines: l3, Next: at(10 * time.Hour)}},
		// Ensure a late timer moves a ticket one tier, not as many as the time would allow.
		{name: "late_timer_one_tier", tier: ticket.L1, status: ticket.StatusOpen, now: 72 * time.Hour,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not acknowledged within 15m at L1",
				Deadlines: l2, Next: at(72*time.Hour + 30*time.Minute)}},
		// Ensure the top tier open past its deadline is paged again, the next look one acknowledge deadline away.
		{name: "top_open_repeats", tier: ticket.L3, status: ticket.StatusOpen, now: time.Hour,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 1 of 3: not acknowledged within 1h at L3",
				Deadlines: l3, Next: at(2 * time.Hour)}},
		// Ensure the top tier acknowledged past its deadline is paged again, the next look one resolve deadline away.
		{name: "top_acknowledged_repeats", tier: ticket.L3, status: ticket.StatusAcknowledged, repeats: 1, now: 25 * time.Hour,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 2 of 3: not resolved within 1d at L3",
				Deadlines: l3, Next: at(49 * time.Hour)}},
		// Ensure the last repeat is still a repeat.
		{name: "top_last_repeat", tier: ticket.L3, status: ticket.StatusOpen, repeats: 2, now: 2 * time.Hour,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 3 of 3: not acknowledged within 1h at L3",
				Deadlines: l3, Next: at(3 * time.Hour)}},
		// Ensure the top tier with no repeats left is exhausted: the clock stops, the reason counts the repeats.
		{name: "top_open_exhausted", tier: ticket.L3, status: ticket.StatusOpen, repeats: 3, now: 4 * time.Hour,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not acknowledged within 1h at L3, the top tier, after 3 repeats"}},
		// Ensure an acknowledged ticket at the top tier is exhausted on its resolve deadline.
		{name: "top_acknowledged_exhausted", tier: ticket.L3, status: ticket.StatusAcknowledged, repeats: 3, now: 96 * time.Hour,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not resolved within 1d at L3, the top tier, after 3 repeats"}},
		// Ensure more repeats than the config now allows is exhausted too, not repeated.
		{name: "repeats_beyond_config", tier: ticket.L3, status: ticket.StatusOpen, repeats: 7, now: 2 * time.Hour,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not acknowledged within 1h at L3, the top tier, after 3 repeats"}},
		// Ensure a ticket whose policy left the config escalates under the default policy.
		{name: "vanished_policy_uses_default", policy: "retired", tier: ticket.L1, status: ticket.StatusOpen, now: 15 * time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not acknowledged within 15m at L1",
				Deadlines: l2, Next: at(45 * time.Minute)}},
		// Ensure a vanished policy's ticket at the top repeats under the default policy.
		{name: "vanished_policy_repeats", policy: "retired", tier: ticket.L3, status: ticket.StatusOpen, now: time.Hour,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 1 of 3: not acknowledged within 1h at L3",
				Deadlines: l3, Next: at(2 * time.Hour)}},
		// Ensure a policy whose top is L2 escalates L1 to L2 with its own L2 deadlines.
		{name: "top2_escalates_to_l2", policy: "top2", tier: ticket.L1, status: ticket.StatusOpen, now: 10 * time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L2, Reason: "not acknowledged within 10m at L1",
				Deadlines: top2L2, Next: at(30 * time.Minute)}},
		// Ensure a policy whose top is L2 repeats at L2 rather than escalating to L3.
		{name: "top2_repeats_at_l2", policy: "top2", tier: ticket.L2, status: ticket.StatusOpen, now: 20 * time.Minute,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 1 of 2: not acknowledged within 20m at L2",
				Deadlines: top2L2, Next: at(40 * time.Minute)}},
		// Ensure a policy whose top is L2 repeats on the resolve deadline once acknowledged.
		{name: "top2_acknowledged_repeats", policy: "top2", tier: ticket.L2, status: ticket.StatusAcknowledged, repeats: 1, now: 2 * time.Hour,
			want: policy.Decision{Verdict: policy.Repeat, Reason: "repeat 2 of 2: not resolved within 2h at L2",
				Deadlines: top2L2, Next: at(4 * time.Hour)}},
		// Ensure a policy whose top is L2 is exhausted at L2.
		{name: "top2_exhausted_at_l2", policy: "top2", tier: ticket.L2, status: ticket.StatusOpen, repeats: 2, now: time.Hour,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not acknowledged within 20m at L2, the top tier, after 2 repeats"}},
		// Ensure a top tier without repeats is exhausted at once, without "after 0 repeats".
		{name: "norepeat_exhausted", policy: "norepeat", tier: ticket.L2, status: ticket.StatusOpen, now: 20 * time.Minute,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not acknowledged within 20m at L2, the top tier"}},
		// Ensure an acknowledged ticket at a top tier without repeats is exhausted on its resolve deadline.
		{name: "norepeat_acknowledged_exhausted", policy: "norepeat", tier: ticket.L2, status: ticket.StatusAcknowledged, now: 3 * time.Hour,
			want: policy.Decision{Verdict: policy.Exhausted, Reason: "not resolved within 2h at L2, the top tier"}},
		// Ensure a policy with only L1 and L3 escalates L1 straight to L3, with its L3 deadlines.
		{name: "gap_skips_l2", policy: "gap", tier: ticket.L1, status: ticket.StatusOpen, now: time.Minute,
			want: policy.Decision{Verdict: policy.Escalate, To: ticket.L3, Reason: "not acknowledged within 1m at L1",
				Deadlines: gapL3, Next: at(4 * time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := tt.policy
			if pol == "" {
				pol = policy.DefaultPolicy
			}
			tk := MustTicket(t, c, pol, tt.tier, tt.status)
			tk.Repeats = tt.repeats
			now := at(tt.now)
			d := c.Step(tk, now)
			checkDecision(t, d, tt.want)

			switch d.Verdict {
			case policy.Escalate, policy.Repeat:
				// Ensure the applied decision leaves the ticket waiting for exactly Next.
				Apply(t, tk, d, now)
				checkDecision(t, c.Step(tk, now), policy.Decision{Verdict: policy.Wait, Next: d.Next})
			case policy.Exhausted:
				// Ensure exhaustion is recorded once: a duplicate timer decides the same and records nothing.
				if !Apply(t, tk, d, now) {
					t.Fatalf("Exhaust=false on the first time, want true")
				}
				events := len(tk.Timeline)
				checkDecision(t, c.Step(tk, now), d)
				if Apply(t, tk, d, now) || len(tk.Timeline) != events {
					t.Errorf("Exhaust recorded twice: %d events, want %d", len(tk.Timeline), events)
				}
			}
		})
	}
}

// TestConfig_Step_noDeadline checks a ticket that has no clock at all.
func TestConfig_Step_noDeadline(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `{}`)
	tk := MustTicket(t, c, policy.DefaultPolicy, ticket.L1, ticket.StatusOpen)
	tk.AcknowledgeBy = time.Time{}
	// Ensure an open ticket without an acknowledge deadline stops the clock rather than escalating at once.
	checkDecision(t, c.Step(tk, t0.Add(time.Hour)), policy.Decision{Verdict: policy.Done})
}

// TestConfig_Step_timeline follows one ticket nobody answers through the
// built-in policy, running the step whenever the last one said to look
// again, as the timer loop does.
func TestConfig_Step_timeline(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `{}`)
	tk := MustTicket(t, c, policy.DefaultPolicy, ticket.L1, ticket.StatusOpen)
	type step struct {
		at      time.Duration
		verdict policy.Verdict
		tier    ticket.Tier // after the step
		reason  string
	}
	want := []step{
		{15 * time.Minute, policy.Escalate, ticket.L2, "not acknowledged within 15m at L1"},
		{45 * time.Minute, policy.Escalate, ticket.L3, "not acknowledged within 30m at L2"},
		{105 * time.Minute, policy.Repeat, ticket.L3, "repeat 1 of 3: not acknowledged within 1h at L3"},
		{165 * time.Minute, policy.Repeat, ticket.L3, "repeat 2 of 3: not acknowledged within 1h at L3"},
		{225 * time.Minute, policy.Repeat, ticket.L3, "repeat 3 of 3: not acknowledged within 1h at L3"},
		{285 * time.Minute, policy.Exhausted, ticket.L3, "not acknowledged within 1h at L3, the top tier, after 3 repeats"},
	}
	now := tk.NextDeadline()
	for i, w := range want {
		// Ensure each step comes due at the expected time and decides the expected move.
		if !now.Equal(t0.Add(w.at)) {
			t.Fatalf("step %d: due %v, want %v", i, now.Sub(t0), w.at)
		}
		d := c.Step(tk, now)
		if d.Verdict != w.verdict || d.Reason != w.reason {
			t.Fatalf("step %d: Verdict=%v Reason=%q, want %v %q", i, d.Verdict, d.Reason, w.verdict, w.reason)
		}
		Apply(t, tk, d, now)
		if tk.Tier != w.tier {
			t.Errorf("step %d: Tier=%v, want %v", i, tk.Tier, w.tier)
		}
		now = d.Next
	}
	// Ensure the clock stops after exhaustion.
	if !now.IsZero() {
		t.Errorf("Next after exhaustion=%v, want zero", now)
	}
	// Ensure the escalations and repeats are counted on the ticket.
	if tk.Escalations != 2 || tk.Repeats != 3 {
		t.Errorf("Escalations=%d Repeats=%d, want 2 and 3", tk.Escalations, tk.Repeats)
	}
	// Ensure a stray timer an hour later still finds the ticket exhausted and records nothing.
	late := t0.Add(345 * time.Minute)
	if d := c.Step(tk, late); d.Verdict != policy.Exhausted {
		t.Errorf("late Verdict=%v, want %v", d.Verdict, policy.Exhausted)
	} else if tk.Exhaust(d.Reason, late) {
		t.Errorf("late Exhaust=true, want false: exhaustion is recorded once")
	}
	// Ensure resolving stops the clock for good.
	if err := tk.Resolve("carol", "replaced the disk", late); err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if d := c.Step(tk, late); d.Verdict != policy.Done {
		t.Errorf("after resolve Verdict=%v, want %v", d.Verdict, policy.Done)
	}
}

// TestConfig_Step_staleTimer checks that a timer set before the ticket
// moved finds nothing to do.
func TestConfig_Step_staleTimer(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `{}`)
	tk := MustTicket(t, c, policy.DefaultPolicy, ticket.L1, ticket.StatusOpen)
	escalatedAt := t0.Add(15 * time.Minute)
	d := c.Step(tk, escalatedAt)
	Apply(t, tk, d, escalatedAt)
	// Bob takes the ticket at L2 before its acknowledge deadline.
	if err := tk.Acknowledge("bob", c.Deadlines(tk.Policy, tk.Tier), t0.Add(40*time.Minute)); err != nil {
		t.Fatalf("Acknowledge: %v", err)
	}
	// Ensure the timer set for the L2 acknowledge deadline now waits for the resolve deadline.
	got := c.Step(tk, d.Next)
	checkDecision(t, got, policy.Decision{Verdict: policy.Wait, Next: escalatedAt.Add(8 * time.Hour)})
	// Ensure the first timer, delivered again, does not escalate a second time.
	checkDecision(t, c.Step(tk, escalatedAt), policy.Decision{Verdict: policy.Wait, Next: escalatedAt.Add(8 * time.Hour)})
}

// TestVerdict_String checks the verdicts' names.
func TestVerdict_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		verdict policy.Verdict
		want    string
	}{
		// Ensure each verdict reads as one lower-case word, for logs.
		{policy.Wait, "wait"},
		{policy.Escalate, "escalate"},
		{policy.Repeat, "repeat"},
		{policy.Exhausted, "exhausted"},
		{policy.Done, "done"},
	}
	for _, tt := range tests {
		if got := tt.verdict.String(); got != tt.want {
			t.Errorf("String()=%q, want %q", got, tt.want)
		}
	}
}

// TestHuman checks durations written the way a config writes them.
func TestHuman(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   time.Duration
		want string
	}{
		// Ensure 90 seconds reads as minutes and seconds, as Go writes it.
		{name: "90s", in: 90 * time.Second, want: "1m30s"},
		// Ensure 1m30s reads the same.
		{name: "1m30s", in: time.Minute + 30*time.Second, want: "1m30s"},
		// Ensure whole minutes drop the zero seconds.
		{name: "15m", in: 15 * time.Minute, want: "15m"},
		// Ensure whole hours drop the zero minutes and seconds.
		{name: "4h", in: 4 * time.Hour, want: "4h"},
		// Ensure hours and minutes drop the zero seconds.
		{name: "4h30m", in: 4*time.Hour + 30*time.Minute, want: "4h30m"},
		// Ensure whole days read as days.
		{name: "2d", in: 48 * time.Hour, want: "2d"},
		// Ensure one day reads as a day.
		{name: "1d", in: 24 * time.Hour, want: "1d"},
		// Ensure hours beyond a day that are not whole days read as hours.
		{name: "36h", in: 36 * time.Hour, want: "36h"},
		// Ensure seconds below a minute stay seconds.
		{name: "45s", in: 45 * time.Second, want: "45s"},
		// Ensure a zero-minute gap between hours and seconds is kept, since it is not trailing.
		{name: "1h0m30s", in: time.Hour + 30*time.Second, want: "1h0m30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := policy.Human(tt.in); got != tt.want {
				t.Errorf("Human(%v)=%q, want %q", tt.in, got, tt.want)
			}
			// Ensure what Human writes is itself a valid config duration of the same length.
			src := "policies:\n  default:\n    L1: {acknowledge: " + tt.want + ", resolve: 1h}\n"
			if got := MustParse(t, src).Policies["default"].Tiers[ticket.L1].Acknowledge; got != tt.in {
				t.Errorf("Human(%v)=%q parses back as %v", tt.in, tt.want, got)
			}
		})
	}
}
