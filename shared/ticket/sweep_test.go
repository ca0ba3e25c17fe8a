package ticket_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// delivered records the delivery of t's latest hand-off a second after it.
func delivered(t *ticket.Ticket) *ticket.Ticket {
	t.RecordDelivery(t.Notices, "l1-hook", now.Add(time.Second))
	return t
}

// resent records n resends of t's latest hand-off, each when it was due.
func resent(tb testing.TB, t *ticket.Ticket, n int) *ticket.Ticket {
	tb.Helper()
	for range n {
		_, due, ok := t.DeliveryDue()
		if !ok || !t.RecordResend(t.Notices, due) {
			tb.Fatalf("resend of notice %d not recorded (due %v, %v)", t.Notices, due, ok)
		}
	}
	return t
}

func TestSweepAt(t *testing.T) {
	t.Parallel()
	const grace = ticket.SweepGrace
	tests := []struct {
		name  string
		setup func(tb testing.TB) *ticket.Ticket
		want  time.Time // zero: not a suspect, ever
	}{
		// Ensure a new ticket is awaited first for its hand-off: SweepGrace after it was made.
		{"new_awaits_its_hand_off", func(tb testing.TB) *ticket.Ticket { return MustNew(tb, ticket.L1) }, now.Add(grace)},
		// Ensure a delivered ticket is awaited for its escalation step: SweepGrace after its deadline.
		{"delivered_awaits_its_step", func(tb testing.TB) *ticket.Ticket { return delivered(MustNew(tb, ticket.L1)) },
			now.Add(15*time.Minute + grace)},
		// Ensure an acknowledged ticket's step is due at its resolve deadline.
		{"acknowledged_awaits_resolve_deadline", func(tb testing.TB) *ticket.Ticket {
			return delivered(MustTicket(tb, ticket.L1, ticket.StatusAcknowledged))
		}, now.Add(4*time.Hour + grace)},
		// Ensure an acknowledged ticket awaits no hand-off: someone has it.
		{"acknowledged_awaits_no_hand_off", func(tb testing.TB) *ticket.Ticket {
			return MustTicket(tb, ticket.L1, ticket.StatusAcknowledged)
		}, now.Add(4*time.Hour + grace)},
		// Ensure a resolved ticket awaits nothing, even with its hand-off undelivered.
		{"resolved_awaits_nothing", func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, ticket.L1, ticket.StatusResolved) }, time.Time{}},
		// Ensure each resend doubles the wait before the next (at L3, whose step is an hour away).
		{"resent_once_waits_twice_as_long", func(tb testing.TB) *ticket.Ticket { return resent(tb, MustNew(tb, ticket.L1), 1) },
			now.Add(grace + 2*grace)},
		{"resent_twice_waits_four_times", func(tb testing.TB) *ticket.Ticket { return resent(tb, MustNew(tb, ticket.L3), 2) },
			now.Add(grace + 2*grace + 4*grace)},
		// Ensure a hand-off resent MaxResends times is given up on, and the step is awaited again.
		{"resent_to_the_limit_awaits_the_step", func(tb testing.TB) *ticket.Ticket {
			return resent(tb, MustNew(tb, ticket.L3), ticket.MaxResends)
		}, now.Add(time.Hour + grace)},
		// Ensure an escalation awaits its new hand-off, not the old one's delivery.
		{"escalated_awaits_the_new_hand_off", func(tb testing.TB) *ticket.Ticket {
			tk := delivered(MustNew(tb, ticket.L1))
			if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "late", At: now.Add(15 * time.Minute),
				Deadlines: policy[ticket.L2]}); err != nil {
				tb.Fatal(err)
			}
			return tk
		}, now.Add(15*time.Minute + grace)},
		// Ensure a ticket exhausted at the top tier, its hand-off delivered, awaits nothing.
		{"exhausted_awaits_nothing", func(tb testing.TB) *ticket.Ticket {
			tk := delivered(MustNew(tb, ticket.L3))
			tk.Exhaust("not acknowledged within 1h at L3, the top tier", now.Add(time.Hour))
			return tk
		}, time.Time{}},
		// Ensure an exhausted ticket someone acknowledges awaits its resolve deadline's step again.
		{"exhausted_then_acknowledged_awaits_resolve_deadline", func(tb testing.TB) *ticket.Ticket {
			tk := delivered(MustNew(tb, ticket.L3))
			tk.Exhaust("not acknowledged within 1h at L3, the top tier", now.Add(time.Hour))
			if err := tk.Acknowledge("alice", policy[ticket.L3], now.Add(2*time.Hour)); err != nil {
				tb.Fatal(err)
			}
			return tk
		}, now.Add(24*time.Hour + grace)},
		// Ensure an exhausted ticket is still awaited for an undelivered hand-off.
		{"exhausted_undelivered_awaits_hand_off", func(tb testing.TB) *ticket.Ticket {
			tk := MustNew(tb, ticket.L3)
			tk.Exhaust("not acknowledged within 1h at L3, the top tier", now.Add(time.Hour))
			return tk
		}, now.Add(grace)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.setup(t).SweepAt(); !got.Equal(tc.want) {
				t.Fatalf("SweepAt = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRecordResend(t *testing.T) {
	t.Parallel()
	// Ensure a resend before it is due, of an older hand-off, or of a delivered one records nothing.
	tk := MustNew(t, ticket.L1)
	if tk.RecordResend(1, now.Add(ticket.SweepGrace-time.Second)) {
		t.Fatal("resend recorded before SweepGrace passed")
	}
	if tk.RecordResend(2, now.Add(time.Hour)) {
		t.Fatal("resend recorded for a hand-off the ticket does not have")
	}
	// Ensure a resend when due is on the timeline, by tierline, saying which resend it is.
	if !tk.RecordResend(1, now.Add(ticket.SweepGrace)) {
		t.Fatal("resend not recorded when due")
	}
	e := Last(t, tk)
	if e.Kind != ticket.EventResent || e.Notice != 1 || e.Actor != ticket.Tierline || e.To != ticket.L1 ||
		e.Reason != "no delivery recorded in time; resend 1 of 4" {
		t.Fatalf("resend event %+v", e)
	}
	// Ensure the resend is no hand-off of its own: the notice stays the one made at creation.
	if h, ok := tk.HandOff(1); !ok || h.Kind != ticket.EventCreated {
		t.Fatalf("HandOff(1) = %+v, %v; want the creation", h, ok)
	}
	delivered(tk)
	if tk.RecordResend(1, now.Add(time.Hour)) {
		t.Fatal("resend recorded for a delivered hand-off")
	}
}
