package ticket_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// TestAcknowledgeWatchesTheResolveDeadline checks that acknowledging always
// starts a clock for the resolve deadline, whatever became of the clock
// before, and gives the deadline again when it passed while nobody had the
// ticket.
func TestAcknowledgeWatchesTheResolveDeadline(t *testing.T) {
	t.Parallel()
	l3 := policy[ticket.L3]
	tests := []struct {
		name      string
		setup     func(tb testing.TB) *ticket.Ticket
		at        time.Time
		resolveBy func(tk *ticket.Ticket) time.Time // of the ticket before the acknowledgement
	}{
		// Ensure an acknowledgement within the deadlines keeps the resolve deadline.
		{name: "in_time", setup: func(tb testing.TB) *ticket.Ticket { return MustNew(tb, ticket.L1) },
			at: later, resolveBy: func(tk *ticket.Ticket) time.Time { return tk.ResolveBy }},
		// Ensure an acknowledgement at the top tier after its repeats ran out starts a clock,
		// with the deadline given again from now since it passed while nobody had the ticket.
		{name: "after_exhaustion", setup: exhausted, at: now.Add(30 * time.Hour),
			resolveBy: func(*ticket.Ticket) time.Time { return now.Add(30*time.Hour + l3.Resolve) }},
		// Ensure an acknowledgement after exhaustion whose resolve deadline is still ahead keeps it.
		{name: "after_exhaustion_deadline_ahead", setup: exhausted, at: now.Add(5 * time.Hour),
			resolveBy: func(tk *ticket.Ticket) time.Time { return tk.ResolveBy }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := tt.setup(t)
			tk := Clone(before)
			if err := tk.Acknowledge("bob", policy[tk.Tier], tt.at); err != nil {
				t.Fatal(err)
			}
			if want := tt.resolveBy(before); !tk.ResolveBy.Equal(want) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, want)
			}
			if tk.Clock != before.Clock+1 || tk.Repeats != 0 {
				t.Errorf("Clock=%d Repeats=%d, want %d 0: a new clock with the policy's repeats", tk.Clock, tk.Repeats, before.Clock+1)
			}
			e := ticket.Change{Old: before, New: tk}.Effects()
			if e.Start == nil || e.Start.Clock != tk.Clock || !e.Start.At.Equal(tk.ResolveBy) {
				t.Errorf("Effects.Start=%+v, want the clock %d at the resolve deadline %v", e.Start, tk.Clock, tk.ResolveBy)
			}
		})
	}
}

// Ensure a missed resolve deadline at the top tier is recorded as exhausted
// even when the acknowledge deadline was recorded exhausted before: each
// deadline's breach shows on the timeline once.
func TestExhaustOncePerDeadline(t *testing.T) {
	t.Parallel()
	tk := exhausted(t)
	if tk.Exhaust("again", now.Add(5*time.Hour)) {
		t.Fatal("a second Exhaust of the same deadline recorded")
	}
	if err := tk.Acknowledge("bob", policy[ticket.L3], now.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !tk.Exhaust("not resolved within 24h at L3, the top tier", tk.ResolveBy) {
		t.Fatal("the resolve deadline's exhaustion was not recorded")
	}
	if tk.Exhaust("not resolved within 24h at L3, the top tier", tk.ResolveBy.Add(time.Minute)) {
		t.Fatal("a duplicate timer recorded the resolve deadline's exhaustion twice")
	}
}

// TestActedFor checks that an api key acting for a person records both,
// the key's name as the actor and the person beside it, and that the
// person, not the key, takes the ticket.
func TestActedFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		assigned string // assigned before the move
		move     func(tk *ticket.Ticket) error
		person   string
		assignee string // wanted after the move
		by       string // Event.By of the moves' events
	}{
		{name: "acknowledge", person: "alice", assignee: "alice", by: "ops (as alice)",
			move: func(tk *ticket.Ticket) error { return tk.Acknowledge("ops", policy[tk.Tier], later) }},
		{name: "acknowledge_with_a_note", person: "alice", assignee: "alice", by: "ops (as alice)",
			move: func(tk *ticket.Ticket) error {
				if err := tk.Acknowledge("ops", policy[tk.Tier], later); err != nil {
					return err
				}
				return tk.AddNote("ops", "on it", later)
			}},
		{name: "acknowledge_already_assigned", assigned: "carol", person: "alice", assignee: "carol", by: "ops (as alice)",
			move: func(tk *ticket.Ticket) error { return tk.Acknowledge("ops", policy[tk.Tier], later) }},
		{name: "no_person", assignee: "ops", by: "ops",
			move: func(tk *ticket.Ticket) error { return tk.Acknowledge("ops", policy[tk.Tier], later) }},
		{name: "person_is_the_key", person: "ops", assignee: "ops", by: "ops",
			move: func(tk *ticket.Ticket) error { return tk.Acknowledge("ops", policy[tk.Tier], later) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustNew(t, ticket.L1)
			if tt.assigned != "" {
				if err := tk.Assign("lead", tt.assigned, now); err != nil {
					t.Fatal(err)
				}
			}
			mark := len(tk.Timeline)
			if err := tt.move(tk); err != nil {
				t.Fatal(err)
			}
			if err := tk.ActedFor(mark, tt.person); err != nil {
				t.Fatal(err)
			}
			if tk.Assignee != tt.assignee {
				t.Errorf("Assignee=%q, want %q", tk.Assignee, tt.assignee)
			}
			for _, e := range tk.Timeline[mark:] {
				if e.Actor != "ops" || e.By() != tt.by {
					t.Errorf("%s event: Actor=%q By=%q, want ops and %q", e.Kind, e.Actor, e.By(), tt.by)
				}
			}
			for _, e := range tk.Timeline[:mark] {
				if e.OnBehalf != "" {
					t.Errorf("the %s event before got OnBehalf %q: only the action's events are the person's", e.Kind, e.OnBehalf)
				}
			}
		})
	}
	t.Run("person_over_limit_is_refused", func(t *testing.T) {
		t.Parallel()
		tk := MustNew(t, ticket.L1)
		err := tk.ActedFor(0, strings.Repeat("m", ticket.MaxName+1))
		if ticket.ErrorCode(err) != ticket.Invalid || !strings.Contains(err.Error(), "the person acted for") {
			t.Errorf("ActedFor: %v, want Invalid naming the person acted for", err)
		}
	})
}

// exhausted returns an L3 ticket whose acknowledge deadline passed with no
// repeats left: four hours after it opened, its clock stopped.
func exhausted(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	tk := MustNew(tb, ticket.L3)
	for i := 1; i <= 3; i++ {
		if err := tk.Repeat("missed", policy[ticket.L3], now.Add(time.Duration(i)*time.Hour)); err != nil {
			tb.Fatal(err)
		}
	}
	if !tk.Exhaust("not acknowledged within 1h at L3, the top tier, after 3 repeats", now.Add(4*time.Hour)) {
		tb.Fatal("Exhaust recorded nothing")
	}
	return tk
}
