package ticket_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

func TestChangeEffects(t *testing.T) {
	t.Parallel()
	at := now.Add(20 * time.Minute)
	tests := []struct {
		name string
		old  func(testing.TB) *ticket.Ticket // the image before; nil for a new ticket
		move func(*ticket.Ticket) error      // makes the image after from a copy of old; nil: after is nil
		want func(old, new *ticket.Ticket) ticket.Effects
	}{
		// Ensure a new ticket is handed to its tier and starts its clock at the acknowledge deadline.
		{name: "new_ticket",
			old:  func(testing.TB) *ticket.Ticket { return nil },
			move: nil,
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{
					Notice: &ticket.Notice{TicketID: testID, Tier: ticket.L2, Seq: 1},
					Start:  &ticket.Wake{TicketID: testID, Clock: 1, At: n.AcknowledgeBy},
				}
			}},
		// Ensure a repeat of the alert asks for nothing.
		{name: "occurrence",
			old:  open(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.Occur(ticket.Signal{Description: "again"}, at) },
			want: nothing},
		// Ensure an acknowledgement starts a new clock at the resolve deadline and stops the old one,
		// so that the resolve deadline is watched whatever became of the old clock.
		{name: "acknowledge",
			old:  open(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.Acknowledge("bob", policy[t.Tier], at) },
			want: func(o, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{
					Start: &ticket.Wake{TicketID: testID, Clock: 2, At: o.ResolveBy},
					Stop:  &ticket.Wake{TicketID: testID, Clock: 1},
				}
			}},
		// Ensure a note asks for nothing.
		{name: "note",
			old:  open(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.AddNote("bob", "looking", at) },
			want: nothing},
		// Ensure a recorded delivery asks for nothing, or deliveries would loop.
		{name: "delivery_recorded",
			old:  open(ticket.L1),
			move: func(t *ticket.Ticket) error { t.RecordDelivery(1, "slack", at); return nil },
			want: nothing},
		// Ensure an automatic escalation hands off to the new tier and keeps the running clock.
		{name: "auto_escalation",
			old: open(ticket.L1),
			move: func(t *ticket.Ticket) error {
				return t.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, At: at, Deadlines: policy[ticket.L2]})
			},
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{Notice: &ticket.Notice{TicketID: testID, Tier: ticket.L2, Seq: 2}}
			}},
		// Ensure a manual escalation hands off, starts a new clock at the new deadline and stops the old one.
		{name: "manual_escalation",
			old: acknowledged(ticket.L1),
			move: func(t *ticket.Ticket) error {
				return t.Escalate(ticket.Escalation{To: ticket.L2, Actor: "bob", Note: "tried", Manual: true,
					At: at, Deadlines: policy[ticket.L2]})
			},
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{
					Notice: &ticket.Notice{TicketID: testID, Tier: ticket.L2, Seq: 2},
					Start:  &ticket.Wake{TicketID: testID, Clock: 3, At: at.Add(policy[ticket.L2].Acknowledge)},
					Stop:   &ticket.Wake{TicketID: testID, Clock: 2},
				}
			}},
		// Ensure a repeat at the top tier pages it again without a new clock.
		{name: "repeat",
			old:  open(ticket.L3),
			move: func(t *ticket.Ticket) error { return t.Repeat("missed", policy[ticket.L3], at) },
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{Notice: &ticket.Notice{TicketID: testID, Tier: ticket.L3, Seq: 2}}
			}},
		// Ensure a resolution stops the clock.
		{name: "resolve",
			old:  acknowledged(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.Resolve("bob", "fixed", at) },
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{Stop: &ticket.Wake{TicketID: testID, Clock: 2}}
			}},
		// Ensure a resolution stops the clock of the current generation.
		{name: "resolve_after_manual_escalation",
			old: func(tb testing.TB) *ticket.Ticket {
				t := MustNew(tb, ticket.L1)
				if err := t.Escalate(ticket.Escalation{To: ticket.L2, Actor: "bob", Note: "tried", Manual: true,
					At: now.Add(time.Minute), Deadlines: policy[ticket.L2]}); err != nil {
					tb.Fatalf("Escalate: %v", err)
				}
				return t
			},
			move: func(t *ticket.Ticket) error { return t.Resolve("bob", "fixed", at) },
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{Stop: &ticket.Wake{TicketID: testID, Clock: 2}}
			}},
		// Ensure a reopened ticket is handed off again and starts a new clock (the old one stopped at the resolve).
		{name: "reopen",
			old:  resolved(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.Reopen("bob", "back", policy[ticket.L1], at) },
			want: func(_, n *ticket.Ticket) ticket.Effects {
				return ticket.Effects{
					Notice: &ticket.Notice{TicketID: testID, Tier: ticket.L1, Seq: 2},
					Start:  &ticket.Wake{TicketID: testID, Clock: 3, At: at.Add(policy[ticket.L1].Acknowledge)},
				}
			}},
		// Ensure a post-mortem note on a resolved ticket asks for nothing (no second stop).
		{name: "resolved_stays_resolved",
			old:  resolved(ticket.L1),
			move: func(t *ticket.Ticket) error { return t.AddNote("bob", "post-mortem", at) },
			want: nothing},
		// Ensure a deleted ticket asks for nothing.
		{name: "nil_new",
			old:  open(ticket.L1),
			move: nil,
			want: nothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c ticket.Change
			switch old := tt.old(t); {
			case old == nil:
				c = ticket.Change{New: MustNew(t, ticket.L2)}
			case tt.move == nil:
				c = ticket.Change{Old: old}
			default:
				n := Clone(old)
				if err := tt.move(n); err != nil {
					t.Fatalf("move: %v", err)
				}
				c = ticket.Change{Old: old, New: n}
			}
			want := tt.want(c.Old, c.New)
			got := c.Effects()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Effects=%s, want %s", effects(got), effects(want))
			}
			if got.Empty() != (want == ticket.Effects{}) {
				t.Errorf("Empty=%v, want %v", got.Empty(), want == ticket.Effects{})
			}
			// A redelivered stream record asks for the same again.
			if again := c.Effects(); !reflect.DeepEqual(again, got) {
				t.Errorf("second Effects=%s, want %s", effects(again), effects(got))
			}
		})
	}
}

func TestNoticeKey(t *testing.T) {
	t.Parallel()
	n := ticket.Notice{TicketID: testID, Tier: ticket.L2, Seq: 3}
	if got, want := n.Key(), testID+".3"; got != want {
		t.Errorf("Key=%q, want %q", got, want)
	}
}

func TestWakeKey(t *testing.T) {
	t.Parallel()
	w := ticket.Wake{TicketID: testID, Clock: 2, At: now}
	if got, want := w.Key(), testID+".2"; got != want {
		t.Errorf("Key=%q, want %q", got, want)
	}
	// Ensure the key names the clock generation, not the time.
	if w2 := (ticket.Wake{TicketID: testID, Clock: 2, At: later}); w2.Key() != w.Key() {
		t.Errorf("Key=%q, want %q", w2.Key(), w.Key())
	}
}

// open, acknowledged and resolved return a start for TestChangeEffects.
func open(tier ticket.Tier) func(testing.TB) *ticket.Ticket {
	return func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, tier, ticket.StatusOpen) }
}

func acknowledged(tier ticket.Tier) func(testing.TB) *ticket.Ticket {
	return func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, tier, ticket.StatusAcknowledged) }
}

func resolved(tier ticket.Tier) func(testing.TB) *ticket.Ticket {
	return func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, tier, ticket.StatusResolved) }
}

// nothing is the want of a change that asks for no effects.
func nothing(_, _ *ticket.Ticket) ticket.Effects { return ticket.Effects{} }

// effects prints e with its pointers followed, for failure messages.
func effects(e ticket.Effects) string {
	s := "{"
	if e.Notice != nil {
		s += " Notice:" + e.Notice.Key() + "@" + e.Notice.Tier.String()
	}
	if e.Start != nil {
		s += " Start:" + e.Start.Key() + "@" + e.Start.At.Format(time.RFC3339)
	}
	if e.Stop != nil {
		s += " Stop:" + e.Stop.Key()
	}
	return s + " }"
}
