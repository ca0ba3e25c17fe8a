package desk_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// deliver records the delivery of tk's latest hand-off, as the notifier
// does, so that only its step is awaited.
func deliver(tb testing.TB, e *Env, tk *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	got, err := e.Store.Update(ctx, tk.ID, func(t *ticket.Ticket) error {
		t.RecordDelivery(t.Notices, "l1-hook", e.Clock.Now())
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func TestSweep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(tb testing.TB, e *Env) *ticket.Ticket
		wait    time.Duration
		want    desk.Repair
		tier    ticket.Tier   // after the sweep
		pending time.Duration // the timer's wake after start; 0 for none
		queued  []int         // hand-offs sent to the queue
	}{
		// Ensure a step SweepGrace late runs: the ticket escalates and its timer starts again for L2's deadline.
		{name: "lost_timer_is_stepped_and_restarted", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return deliver(tb, e, MustTicket(tb, e, Alert("db-1")))
		}, wait: 2*time.Minute + ticket.SweepGrace, want: desk.Repair{Stepped: true, Timer: true}, tier: ticket.L2,
			pending: 2*time.Minute + ticket.SweepGrace + 5*time.Minute},
		// Ensure a step late by less than SweepGrace is left to its timer.
		{name: "late_step_within_grace_is_left", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return deliver(tb, e, MustTicket(tb, e, Alert("db-1")))
		}, wait: 2*time.Minute + ticket.SweepGrace - time.Second, tier: ticket.L1},
		// Ensure a hand-off with no delivery recorded SweepGrace after it was made is sent again.
		{name: "lost_hand_off_is_resent", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketAt(tb, e, "db-1", ticket.L3) // L3's deadline is 10m away
		}, wait: ticket.SweepGrace, want: desk.Repair{Resent: 3}, tier: ticket.L3, queued: []int{3}},
		// Ensure a healthy ticket is left alone.
		{name: "healthy_is_left", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return deliver(tb, e, MustTicket(tb, e, Alert("db-1")))
		}, wait: time.Minute, tier: ticket.L1},
		// Ensure a resolved ticket is left alone, however late.
		{name: "resolved_is_left", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return MustTicketIn(tb, e, "db-1", ticket.StatusResolved)
		}, wait: 24 * time.Hour, tier: ticket.L1},
		// Ensure a ticket that is gone is nothing to repair.
		{name: "missing_is_nothing", setup: func(tb testing.TB, e *Env) *ticket.Ticket {
			return &ticket.Ticket{ID: "0c7g2m4x9k3t1p", Tier: ticket.L1}
		}, wait: time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := tc.setup(t, e)
			MustOutbox(t, e) // what dispatch did already is not the sweep's
			e.Clock.Add(tc.wait)
			r, err := e.Desk.Sweep(ctx, tk.ID)
			if err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			if r != tc.want {
				t.Fatalf("Sweep = %+v, want %+v", r, tc.want)
			}
			if tc.name == "missing_is_nothing" {
				return
			}
			got := MustGet(t, e, tk.ID)
			if got.Tier != tc.tier {
				t.Errorf("tier %s after the sweep, want %s", got.Tier, tc.tier)
			}
			var want []ticket.Wake
			if tc.pending != 0 {
				want = []ticket.Wake{{TicketID: tk.ID, Clock: got.Clock, At: start.Add(tc.pending)}}
			}
			CheckWakes(t, "Pending", MustPending(t, e, tk.ID), want)
			var queued []int
			for _, n := range MustReceive(t, e) {
				queued = append(queued, n.Seq)
			}
			if len(queued) != len(tc.queued) || len(queued) == 1 && queued[0] != tc.queued[0] {
				t.Errorf("queued hand-offs %v, want %v", queued, tc.queued)
			}
			again, err := e.Desk.Sweep(ctx, tk.ID)
			if err != nil || !again.Empty() {
				t.Errorf("a second sweep at the same time: %+v, %v; want nothing more", again, err)
			}
		})
	}
}

// Ensure a lost hand-off is resent with growing waits and then given up
// on, each resend on the timeline.
func TestSweepResendsBackOff(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, "policies: {default: {L1: {acknowledge: 8h, resolve: 24h}}}")
	tk := MustTicket(t, e, Alert("db-1"))
	MustOutbox(t, e)
	var times []time.Duration
	for elapsed := time.Duration(0); elapsed <= 4*time.Hour; elapsed += time.Minute {
		r, err := e.Desk.Sweep(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Resent != 0 {
			times = append(times, elapsed)
		}
		e.Clock.Add(time.Minute)
	}
	g := ticket.SweepGrace
	want := []time.Duration{g, g + 2*g, g + 2*g + 4*g, g + 2*g + 4*g + 8*g}
	if len(times) < ticket.MaxResends || times[0] != want[0] || times[1] != want[1] || times[2] != want[2] || times[3] != want[3] {
		t.Fatalf("resends at %v, want at %v", times, want)
	}
	resends := 0
	for _, ev := range MustGet(t, e, tk.ID).Timeline {
		if ev.Kind == ticket.EventResent {
			resends++
		}
	}
	if resends != ticket.MaxResends {
		t.Fatalf("%d resends on the timeline, want %d", resends, ticket.MaxResends)
	}
}
