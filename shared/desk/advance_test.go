package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestAdvance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(tb testing.TB, e *Env) *ticket.Ticket // nil: no ticket at all
		stale  bool                                       // run the wake of the clock before the ticket's
		wait   time.Duration                              // how far the clock moves before the step
		next   time.Duration                              // after start; unused when done
		done   bool
		write  bool // the step stores a change
		tier   ticket.Tier
		kind   ticket.EventKind // of the event the step appends
		reason string
	}{
		// Ensure a step before the deadline waits for it and writes nothing.
		{name: "before_deadline_waits", setup: open(Alert("db-1")), wait: time.Minute,
			next: 2 * time.Minute, tier: ticket.L1},
		// Ensure a missed L1 acknowledge deadline escalates to L2 and waits for L2's.
		{name: "missed_l1_deadline_escalates", setup: open(Alert("db-1")), wait: 2 * time.Minute,
			next: 7 * time.Minute, write: true, tier: ticket.L2, kind: ticket.EventEscalated,
			reason: "not acknowledged within 2m at L1"},
		// Ensure a late timer escalates once, with the next deadline from now.
		{name: "late_timer_escalates_once", setup: open(Alert("db-1")), wait: time.Hour,
			next: time.Hour + 5*time.Minute, write: true, tier: ticket.L2, kind: ticket.EventEscalated,
			reason: "not acknowledged within 2m at L1"},
		// Ensure an acknowledged ticket does not escalate at the acknowledge deadline but waits to be resolved.
		{name: "acknowledged_waits_for_resolve_deadline", setup: acknowledged, wait: 3 * time.Minute,
			next: time.Hour, tier: ticket.L1},
		// Ensure an acknowledged ticket escalates when it misses the resolve deadline.
		{name: "missed_resolve_deadline_escalates", setup: acknowledged, wait: time.Hour,
			next: time.Hour + 5*time.Minute, write: true, tier: ticket.L2, kind: ticket.EventEscalated,
			reason: "not resolved within 1h at L1"},
		// Ensure a policy that skips L2 escalates straight to L3.
		{name: "experts_policy_skips_l2", setup: open(database), wait: 2 * time.Minute,
			next: 22 * time.Minute, write: true, tier: ticket.L3, kind: ticket.EventEscalated,
			reason: "not acknowledged within 2m at L1"},
		// Ensure a missed deadline at a policy's top tier with no repeats ends the timer.
		{name: "top_tier_without_repeats_exhausts", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return escalated(tb, e, MustTicket(tb, e, hardware))
		}, wait: 7 * time.Minute, done: true, write: true, tier: ticket.L2, kind: ticket.EventExhausted,
			reason: "not acknowledged within 7m at L2, the top tier"},
		// Ensure the timer of an older clock ends without a write, even past every deadline.
		{name: "stale_clock_is_done", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return escalated(tb, e, MustTicket(tb, e, Alert("db-1")))
		}, stale: true, wait: time.Hour, done: true, tier: ticket.L2},
		// Ensure a resolved ticket's timer ends without a write.
		{name: "resolved_is_done", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketIn(tb, e, "db-1", ticket.StatusResolved)
		}, wait: time.Hour, done: true, tier: ticket.L1},
		// Ensure the timer of a ticket that is gone ends.
		{name: "missing_ticket_is_done", wait: time.Hour, done: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			w := ticket.Wake{TicketID: Unknown, Clock: 1}
			var before *ticket.Ticket
			if tt.setup != nil {
				before = tt.setup(t, e)
				w = WakeOf(before)
				if tt.stale {
					w.Clock--
				}
			}
			MustOutbox(t, e)
			e.Clock.Add(tt.wait)
			next, done, err := e.Desk.Advance(ctx, w)
			if err != nil {
				t.Fatalf("Advance: %v", err)
			}
			if done != tt.done {
				t.Errorf("done=%v, want %v", done, tt.done)
			}
			if want := start.Add(tt.next); !tt.done && !next.Equal(want) {
				t.Errorf("next=%v, want %v", next, want)
			}
			if tt.done && !next.IsZero() {
				t.Errorf("next=%v, want none when done", next)
			}
			if before == nil {
				return
			}
			tk := MustGet(t, e, before.ID)
			if tk.Tier != tt.tier {
				t.Errorf("Tier=%v, want %v", tk.Tier, tt.tier)
			}
			if !tt.write {
				if tk.Version != before.Version {
					t.Errorf("Version=%d, want %d: the step wrote", tk.Version, before.Version)
				}
				return
			}
			if tk.Version != before.Version+1 || tk.Clock != before.Clock {
				t.Errorf("Version=%d Clock=%d, want %d %d: one write, and the timer keeps its clock",
					tk.Version, tk.Clock, before.Version+1, before.Clock)
			}
			ev := Last(t, tk)
			if ev.Kind != tt.kind || ev.Reason != tt.reason || ev.Actor != ticket.Tierline || ev.From != before.Tier {
				t.Errorf("last event=%+v, want %s by tierline from %v, Reason %q", ev, tt.kind, before.Tier, tt.reason)
			}
			if !ev.At.Equal(e.Clock.Now()) {
				t.Errorf("event At=%v, want now %v", ev.At, e.Clock.Now())
			}
			if tt.kind == ticket.EventEscalated {
				if ev.To != tt.tier || ev.Notice != before.Notices+1 || tk.Notices != before.Notices+1 {
					t.Errorf("To=%v Notice=%d Notices=%d, want %v %d", ev.To, ev.Notice, tk.Notices, tt.tier, before.Notices+1)
				}
				if want := start.Add(tt.next); !tk.AcknowledgeBy.Equal(want) || tk.Status != ticket.StatusOpen {
					t.Errorf("AcknowledgeBy=%v Status=%v, want %v open", tk.AcknowledgeBy, tk.Status, want)
				}
			}
		})
	}
}

// Ensure the top tier is paged again as often as its policy says, then the
// timer ends with one "exhausted" event, however often it runs after.
func TestAdvanceRepeatsThenExhausts(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicketAt(t, e, "db-1", ticket.L3)
	MustOutbox(t, e)
	w := WakeOf(tk)
	steps := []struct {
		name   string
		wait   time.Duration
		done   bool
		kind   ticket.EventKind // appended by the step; "" for none
		reason string
		notice bool // the step hands the ticket off again
	}{
		// Ensure a missed deadline at the top tier pages it again.
		{name: "first_repeat", wait: 10 * time.Minute, kind: ticket.EventRepeated,
			reason: "repeat 1 of 2: not acknowledged within 10m at L3", notice: true},
		// Ensure a duplicate timer before the new deadline waits.
		{name: "early_duplicate_waits", wait: time.Minute},
		// Ensure the top tier is paged again as often as its policy says.
		{name: "second_repeat", wait: 9 * time.Minute, kind: ticket.EventRepeated,
			reason: "repeat 2 of 2: not acknowledged within 10m at L3", notice: true},
		// Ensure the timer ends once no repeats are left, saying why.
		{name: "exhausted", wait: 10 * time.Minute, done: true, kind: ticket.EventExhausted,
			reason: "not acknowledged within 10m at L3, the top tier, after 2 repeats"},
		// Ensure a duplicate timer after exhaustion records nothing more.
		{name: "duplicate_after_exhausted", done: true},
		// Ensure a late timer after exhaustion records nothing more.
		{name: "late_after_exhausted", wait: time.Hour, done: true},
	}
	for _, s := range steps {
		before := MustGet(t, e, tk.ID)
		e.Clock.Add(s.wait)
		next, done, err := e.Desk.Advance(ctx, w)
		if err != nil {
			t.Fatalf("%s: Advance: %v", s.name, err)
		}
		after := MustGet(t, e, tk.ID)
		if done != s.done {
			t.Errorf("%s: done=%v, want %v", s.name, done, s.done)
		}
		switch {
		case s.done && !next.IsZero():
			t.Errorf("%s: next=%v, want none", s.name, next)
		case !s.done && !next.Equal(after.AcknowledgeBy):
			t.Errorf("%s: next=%v, want the acknowledge deadline %v", s.name, next, after.AcknowledgeBy)
		}
		if s.kind == "" {
			if after.Version != before.Version {
				t.Errorf("%s: Version=%d, want %d: the step wrote", s.name, after.Version, before.Version)
			}
			continue
		}
		ev := Last(t, after)
		if ev.Kind != s.kind || ev.Reason != s.reason || after.Version != before.Version+1 {
			t.Errorf("%s: last event %s %q, Version=%d, want %s %q, %d", s.name, ev.Kind, ev.Reason, after.Version,
				s.kind, s.reason, before.Version+1)
		}
		if s.notice {
			want := []ticket.Notice{{TicketID: tk.ID, Tier: ticket.L3, Seq: before.Notices + 1}}
			if ev.Notice != want[0].Seq || ev.From != ticket.L3 || ev.To != ticket.L3 {
				t.Errorf("%s: event Notice=%d From=%v To=%v, want %d L3 L3", s.name, ev.Notice, ev.From, ev.To, want[0].Seq)
			}
			if !after.AcknowledgeBy.Equal(e.Clock.Now().Add(10 * time.Minute)) {
				t.Errorf("%s: AcknowledgeBy=%v, want 10m from now", s.name, after.AcknowledgeBy)
			}
			MustDispatch(t, e)
			CheckNotices(t, MustReceive(t, e), want)
		}
	}
	final := MustGet(t, e, tk.ID)
	if n := len(EventsOf(final, ticket.EventExhausted)); n != 1 {
		t.Errorf("%d exhausted events, want 1", n)
	}
	if final.Repeats != 2 || final.Tier != ticket.L3 || final.Status != ticket.StatusOpen {
		t.Errorf("Repeats=%d Tier=%v Status=%v, want 2 L3 open", final.Repeats, final.Tier, final.Status)
	}
	if changes := MustOutbox(t, e); len(changes) != 0 {
		t.Errorf("%d outbox changes after the repeats, want none: exhaustion pages no one", len(changes))
	}
}

// Ensure a ticket nobody answers climbs every tier on its timer, each tier
// is paged on all its channels, and the top tier is paged again twice
// before the timer gives up: the local runtime's loop, with a controlled
// clock.
func TestAdvanceClimb(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	stages := []struct {
		name     string
		wait     time.Duration
		ran      int // timers Tick runs
		tier     ticket.Tier
		kind     ticket.EventKind // of the ticket's latest move
		reason   string
		notices  []ticket.Notice // Seq and Tier; this ticket's
		channels []string
		pending  time.Duration // after start; 0 for none
	}{
		// Ensure a new ticket pages L1 and waits for its acknowledge deadline.
		{name: "opened", tier: ticket.L1, kind: ticket.EventCreated, reason: "new ticket",
			notices: []ticket.Notice{{Tier: ticket.L1, Seq: 1}}, channels: []string{"l1-hook", "l1-log"}, pending: 2 * time.Minute},
		// Ensure nothing happens before the deadline.
		{name: "quiet_until_the_deadline", wait: 2*time.Minute - time.Millisecond, tier: ticket.L1, kind: ticket.EventCreated,
			reason: "new ticket", pending: 2 * time.Minute},
		// Ensure L1 missing its deadline hands the ticket to L2.
		{name: "l1_missed_to_l2", wait: time.Millisecond, ran: 1, tier: ticket.L2, kind: ticket.EventEscalated,
			reason:  "not acknowledged within 2m at L1",
			notices: []ticket.Notice{{Tier: ticket.L2, Seq: 2}}, channels: []string{"l2-hook", "l2-log"}, pending: 7 * time.Minute},
		// Ensure L2 missing its deadline hands the ticket to L3.
		{name: "l2_missed_to_l3", wait: 5 * time.Minute, ran: 1, tier: ticket.L3, kind: ticket.EventEscalated,
			reason:  "not acknowledged within 5m at L2",
			notices: []ticket.Notice{{Tier: ticket.L3, Seq: 3}}, channels: []string{"l3-hook", "l3-log"}, pending: 17 * time.Minute},
		// Ensure L3 missing its deadline is paged again.
		{name: "l3_paged_again", wait: 10 * time.Minute, ran: 1, tier: ticket.L3, kind: ticket.EventRepeated,
			reason:  "repeat 1 of 2: not acknowledged within 10m at L3",
			notices: []ticket.Notice{{Tier: ticket.L3, Seq: 4}}, channels: []string{"l3-hook", "l3-log"}, pending: 27 * time.Minute},
		// Ensure L3 is paged again as often as the policy says.
		{name: "l3_paged_a_last_time", wait: 10 * time.Minute, ran: 1, tier: ticket.L3, kind: ticket.EventRepeated,
			reason:  "repeat 2 of 2: not acknowledged within 10m at L3",
			notices: []ticket.Notice{{Tier: ticket.L3, Seq: 5}}, channels: []string{"l3-hook", "l3-log"}, pending: 37 * time.Minute},
		// Ensure the timer gives up with no repeats left, and pages no one.
		{name: "exhausted", wait: 10 * time.Minute, ran: 1, tier: ticket.L3, kind: ticket.EventExhausted,
			reason: "not acknowledged within 10m at L3, the top tier, after 2 repeats"},
		// Ensure nothing runs after the timer gave up.
		{name: "nothing_more", wait: 24 * time.Hour, tier: ticket.L3, kind: ticket.EventExhausted,
			reason: "not acknowledged within 10m at L3, the top tier, after 2 repeats"},
	}
	for _, s := range stages {
		e.Clock.Add(s.wait)
		if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != s.ran {
			t.Fatalf("%s: Tick=%d, %v, want %d timers run", s.name, n, err, s.ran)
		}
		channels := MustNotifyAll(t, e)
		tk = MustGet(t, e, tk.ID)
		if tk.Tier != s.tier {
			t.Errorf("%s: Tier=%v, want %v", s.name, tk.Tier, s.tier)
		}
		if ev := LastMove(tk); ev.Kind != s.kind || ev.Reason != s.reason {
			t.Errorf("%s: latest move %s %q, want %s %q", s.name, ev.Kind, ev.Reason, s.kind, s.reason)
		}
		for i := range s.notices {
			s.notices[i].TicketID = tk.ID
		}
		CheckNotices(t, channels.notices, s.notices)
		if strings.Join(channels.names, ",") != strings.Join(s.channels, ",") {
			t.Errorf("%s: paged %v, want %v", s.name, channels.names, s.channels)
		}
		var pending []ticket.Wake
		if s.pending != 0 {
			pending = []ticket.Wake{{TicketID: tk.ID, Clock: 1, At: start.Add(s.pending)}}
		}
		CheckWakes(t, s.name+": Pending", MustPending(t, e, tk.ID), pending)
	}
	if tk.Escalations != 2 || tk.Repeats != 2 || tk.Notices != 5 {
		t.Errorf("Escalations=%d Repeats=%d Notices=%d, want 2 2 5", tk.Escalations, tk.Repeats, tk.Notices)
	}
	if n := len(EventsOf(tk, ticket.EventNotified)); n != 10 {
		t.Errorf("%d notified events, want 10: five hand-offs to two channels each", n)
	}
}

// Ensure resolving a climbing ticket stops its timer for good, whether the
// resolve is dispatched before the deadline or the timer finds it first.
func TestAdvanceClimbStopsWhenResolved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dispatch bool // dispatch the resolve before the next deadline passes
		ran      int  // timers Tick runs after the deadline
	}{
		// Ensure a dispatched resolve removes the timer.
		{name: "resolve_dispatched", dispatch: true},
		// Ensure a timer that fires before the resolve is dispatched ends itself.
		{name: "timer_fires_first", ran: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := settled(t, e, Alert("db-1"))
			e.Clock.Add(2 * time.Minute)
			if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 1 {
				t.Fatalf("Tick=%d, %v, want 1", n, err)
			}
			MustSettle(t, e)
			e.Clock.Add(time.Minute)
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "freed space"); err != nil {
				t.Fatal(err)
			}
			if tt.dispatch {
				MustDispatch(t, e)
				CheckWakes(t, "Pending after the resolve", MustPending(t, e, tk.ID), nil)
			}
			e.Clock.Add(time.Hour)
			if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != tt.ran {
				t.Fatalf("Tick=%d, %v, want %d", n, err, tt.ran)
			}
			MustDispatch(t, e)
			CheckWakes(t, "Pending", MustPending(t, e, tk.ID), nil)
			e.Clock.Add(24 * time.Hour)
			if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 0 {
				t.Fatalf("Tick a day later=%d, %v, want 0", n, err)
			}
			CheckNotices(t, MustReceive(t, e), nil)
			tk = MustGet(t, e, tk.ID)
			if tk.Tier != ticket.L2 || tk.Status != ticket.StatusResolved || tk.Escalations != 1 {
				t.Errorf("Tier=%v Status=%v Escalations=%d, want L2 resolved 1", tk.Tier, tk.Status, tk.Escalations)
			}
			if ev := LastMove(tk); ev.Kind != ticket.EventResolved {
				t.Errorf("latest move %s, want resolved", ev.Kind)
			}
		})
	}
}

// Ensure an acknowledged ticket does not escalate at its acknowledge
// deadline: its clock runs for the resolve deadline and escalates then.
func TestAdvanceAcknowledgedTicketDoesNotEscalate(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := settled(t, e, Alert("db-1"))
	e.Clock.Add(time.Minute)
	if _, err := e.Desk.Acknowledge(ctx, tk.ID, desk.By("bob"), ""); err != nil {
		t.Fatal(err)
	}
	MustDispatch(t, e)
	CheckWakes(t, "Pending", MustPending(t, e, tk.ID), []ticket.Wake{{TicketID: tk.ID, Clock: 2, At: start.Add(time.Hour)}})
	e.Clock.Add(time.Minute)
	if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 0 {
		t.Fatalf("Tick at the acknowledge deadline=%d, %v, want 0", n, err)
	}
	if tk := MustGet(t, e, tk.ID); tk.Tier != ticket.L1 || tk.Status != ticket.StatusAcknowledged {
		t.Errorf("Tier=%v Status=%v, want L1 acknowledged", tk.Tier, tk.Status)
	}
	e.Clock.Add(time.Hour - 2*time.Minute)
	if n, err := e.Timer.Tick(ctx, e.Desk.Advance); err != nil || n != 1 {
		t.Fatalf("Tick=%d, %v, want 1", n, err)
	}
	tk = MustGet(t, e, tk.ID)
	if ev := LastMove(tk); tk.Tier != ticket.L2 || ev.Reason != "not resolved within 1h at L1" {
		t.Errorf("Tier=%v Reason=%q, want L2 %q", tk.Tier, ev.Reason, "not resolved within 1h at L1")
	}
}
