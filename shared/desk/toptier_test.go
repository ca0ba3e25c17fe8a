package desk_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// TestTopTierResolveDeadlineIsWatched checks every way a ticket can come
// to be acknowledged at its policy's top tier after its clock stopped
// (the acknowledge deadline missed with no repeats left): acknowledging
// starts a clock for the resolve deadline, and missing that deadline shows
// on the timeline and pages the tier as the policy says, instead of
// nothing.
func TestTopTierResolveDeadlineIsWatched(t *testing.T) {
	t.Parallel()
	const l3Resolve = 4 * time.Hour // the default policy's L3, which repeats twice
	tests := []struct {
		name    string
		setup   func(tb testing.TB, e *Env) *ticket.Ticket // an exhausted top-tier ticket
		wait    time.Duration                              // after exhaustion, before the acknowledgement
		ack     func(tb testing.TB, e *Env, tk *ticket.Ticket)
		renewed bool // the resolve deadline had passed, so the acknowledgement gives it again
		breach  []string
	}{
		// Ensure an acknowledgement through the API after exhaustion starts a clock.
		{name: "acknowledge_after_exhaustion", setup: climbed, ack: byAPI,
			breach: []string{"repeat 1 of 2: not resolved within 4h at L3", "repeat 2 of 2: not resolved within 4h at L3",
				"not resolved within 4h at L3, the top tier, after 2 repeats"}},
		// Ensure a sender's acknowledgement after exhaustion starts a clock too.
		{name: "sender_acknowledges_after_exhaustion", setup: climbed, ack: bySender,
			breach: []string{"repeat 1 of 2: not resolved within 4h at L3", "repeat 2 of 2: not resolved within 4h at L3",
				"not resolved within 4h at L3, the top tier, after 2 repeats"}},
		// Ensure a ticket escalated to the top by hand and exhausted there is watched once taken.
		{name: "manual_escalation_to_the_top", setup: handedToTheTop, ack: byAPI,
			breach: []string{"repeat 1 of 2: not resolved within 4h at L3", "repeat 2 of 2: not resolved within 4h at L3",
				"not resolved within 4h at L3, the top tier, after 2 repeats"}},
		// Ensure a resolved ticket reopened at the top tier, exhausted again, is watched once taken.
		{name: "resolve_then_reopen", setup: reopenedAtTheTop, ack: byAPI,
			breach: []string{"repeat 1 of 2: not resolved within 4h at L3", "repeat 2 of 2: not resolved within 4h at L3",
				"not resolved within 4h at L3, the top tier, after 2 repeats"}},
		// Ensure a ticket taken after its resolve deadline passed unattended gets the policy's time from now.
		{name: "resolve_deadline_passed_unattended", setup: climbed, wait: 5 * time.Hour, ack: byAPI, renewed: true,
			breach: []string{"repeat 1 of 2: not resolved within 4h at L3", "repeat 2 of 2: not resolved within 4h at L3",
				"not resolved within 4h at L3, the top tier, after 2 repeats"}},
		// Ensure a top tier without repeats records the missed resolve deadline, once.
		{name: "top_tier_without_repeats", setup: expertsExhausted, ack: byAPI,
			breach: []string{"not resolved within 8h at L3, the top tier"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := tt.setup(t, e)
			if ev := LastMove(tk); ev.Kind != ticket.EventExhausted {
				t.Fatalf("setup left the ticket at %s, want exhausted", ev.Kind)
			}
			CheckWakes(t, "Pending after exhaustion", MustPending(t, e, tk.ID), nil)
			e.Clock.Add(tt.wait)
			want := tk.ResolveBy
			if tt.renewed {
				want = e.Clock.Now().Add(l3Resolve)
			}
			tt.ack(t, e, tk)
			MustNotifyAll(t, e)
			tk = MustGet(t, e, tk.ID)
			if !tk.ResolveBy.Equal(want) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, want)
			}
			CheckWakes(t, "Pending after the acknowledgement", MustPending(t, e, tk.ID),
				[]ticket.Wake{{TicketID: tk.ID, Clock: tk.Clock, At: tk.ResolveBy}})
			var breaches []string
			for range 10 {
				pending := MustPending(t, e, tk.ID)
				if len(pending) == 0 {
					break
				}
				e.Clock.Add(pending[0].At.Sub(e.Clock.Now()))
				if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 1 {
					t.Fatalf("Tick=%d, %v, want 1", n, err)
				}
				got := MustNotifyAll(t, e)
				ev := LastMove(MustGet(t, e, tk.ID))
				breaches = append(breaches, ev.Reason)
				if ev.Kind == ticket.EventRepeated && len(got.notices) != 1 {
					t.Errorf("%q paged %d notices, want the top tier paged once", ev.Reason, len(got.notices))
				}
			}
			if !slices.Equal(breaches, tt.breach) {
				t.Errorf("breaches %q, want %q", breaches, tt.breach)
			}
			tk = MustGet(t, e, tk.ID)
			if tk.Status != ticket.StatusAcknowledged || tk.Tier != ticket.L3 {
				t.Errorf("Status=%v Tier=%v, want acknowledged L3: a breach at the top tier moves it nowhere", tk.Status, tk.Tier)
			}
		})
	}
}

// climbed is an alert nobody answered: it climbs to L3 on its timer, is
// paged there twice more, and its clock stops.
func climbed(tb testing.TB, e *Env) *ticket.Ticket {
	tb.Helper()
	return runClock(tb, e, MustTicket(tb, e, Alert("db-1")))
}

// handedToTheTop is a ticket escalated to L3 by hand, unanswered there.
func handedToTheTop(tb testing.TB, e *Env) *ticket.Ticket {
	tb.Helper()
	return runClock(tb, e, MustTicketAt(tb, e, "db-1", ticket.L3))
}

// reopenedAtTheTop is a ticket resolved at L3, reopened there, unanswered.
func reopenedAtTheTop(tb testing.TB, e *Env) *ticket.Ticket {
	tb.Helper()
	tk := MustTicketAt(tb, e, "db-1", ticket.L3)
	if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("ann"), "restarted"); err != nil {
		tb.Fatal(err)
	}
	MustNotifyAll(tb, e)
	tk, err := e.Desk.Reopen(ctx, tk.ID, desk.By("ann"), "back again")
	if err != nil {
		tb.Fatal(err)
	}
	return runClock(tb, e, tk)
}

// expertsExhausted is a database alert under the experts policy, whose top
// tier L3 has no repeats: it climbs there and its clock stops at once.
func expertsExhausted(tb testing.TB, e *Env) *ticket.Ticket {
	tb.Helper()
	return runClock(tb, e, MustTicket(tb, e, database))
}

// runClock runs tk's timers, delivering every hand-off, until its clock
// stops, and returns it as stored.
func runClock(tb testing.TB, e *Env, tk *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	for range 20 {
		MustNotifyAll(tb, e)
		pending := MustPending(tb, e, tk.ID)
		if len(pending) == 0 {
			return MustGet(tb, e, tk.ID)
		}
		e.Clock.Add(pending[0].At.Sub(e.Clock.Now()))
		if _, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Fatalf("ticket %s's clock did not stop", tk.ID)
	return nil
}

// byAPI acknowledges tk as an api key acting for a person.
func byAPI(tb testing.TB, e *Env, tk *ticket.Ticket) {
	tb.Helper()
	if _, err := e.Desk.Acknowledge(ctx, tk.ID, desk.Actor{Name: "ops", OnBehalf: "bob"}, "looking now"); err != nil {
		tb.Fatal(err)
	}
}

// bySender acknowledges tk as its alert's sender does.
func bySender(tb testing.TB, e *Env, tk *ticket.Ticket) {
	tb.Helper()
	sig := Alert(tk.DedupKey)
	sig.Action = ticket.Acknowledge
	if r := MustIngest(tb, e, sig); r.Outcome != desk.Acknowledged {
		tb.Fatalf("Ingest: %s, want acknowledged", r.Outcome)
	}
}
