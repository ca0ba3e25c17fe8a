package desk_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a hand-off that a later one to another tier superseded before it
// was delivered still pages its tier, saying that the ticket moved on and
// who has it, is recorded as a late delivery to that tier, and is not
// delivered twice.
func TestNotifyLate(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	MustDispatch(t, e)
	e.Clock.Add(3 * time.Minute) // L1's 2m to acknowledge pass before its page goes out
	if _, _, err := e.Desk.Advance(ctx, WakeOf(tk)); err != nil {
		t.Fatal(err)
	}
	p := MustNotifyAll(t, e)
	CheckNotices(t, p.notices, []ticket.Notice{{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}, {TicketID: tk.ID, Tier: ticket.L2, Seq: 2}})
	var l1, l2 []string
	for _, d := range p.sent {
		switch h := d.HandOff; h.Tier {
		case ticket.L1:
			l1 = append(l1, d.Channel)
			want := ticket.MovedOn{To: ticket.L2, Notice: 2, Reason: "not acknowledged within 2m at L1", At: start.Add(3 * time.Minute)}
			if h.MovedOn == nil || *h.MovedOn != want {
				t.Errorf("%s: MovedOn=%+v, want %+v", d.Channel, h.MovedOn, want)
			}
		case ticket.L2:
			l2 = append(l2, d.Channel)
			if h.MovedOn != nil {
				t.Errorf("%s: the current hand-off says it moved on: %+v", d.Channel, h.MovedOn)
			}
		}
	}
	slices.Sort(l1)
	slices.Sort(l2)
	if !slices.Equal(l1, []string{"l1-hook", "l1-log"}) || !slices.Equal(l2, []string{"l2-hook", "l2-log"}) {
		t.Fatalf("paged L1 %v and L2 %v, want both tiers on both channels", l1, l2)
	}
	after := MustGet(t, e, tk.ID)
	for _, ev := range EventsOf(after, ticket.EventNotified) {
		late := ev.Notice == 1
		if (late && (ev.To != ticket.L1 || ev.Reason != "late: the ticket had moved on to L2")) || (!late && (ev.To != ticket.L2 || ev.Reason != "")) {
			t.Errorf("notified event %+v: want hand-off 1 recorded late to L1, hand-off 2 on time to L2", ev)
		}
	}
	if err := e.Desk.Notify(ctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if sent := e.Notifier.Take(); len(sent) != 0 {
		t.Errorf("the late page's redelivery paged %s, want no one", channelsOf(sent))
	}
}

// Ensure no one is paged for a ticket resolved before its hand-off was
// delivered, the timeline says so once, and a redelivery writes nothing.
func TestNotifyResolvedIsWithheld(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicketIn(t, e, "db-1", ticket.StatusResolved)
	n := ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}
	MustSettle(t, e)
	e.Clock.Add(time.Second)
	if err := e.Desk.Notify(ctx, n); err != nil {
		t.Fatalf("Notify=%v, want nil", err)
	}
	if sent := e.Notifier.Take(); len(sent) != 0 {
		t.Errorf("paged %s, want no one", channelsOf(sent))
	}
	after := MustGet(t, e, tk.ID)
	want := ticket.Event{At: start.Add(time.Second), Kind: ticket.EventWithheld, Actor: ticket.Tierline, Notice: 1, To: ticket.L1,
		Reason: "not sent: the ticket was resolved before this hand-off was delivered"}
	if got := Last(t, after); got != want {
		t.Errorf("last event %+v, want %+v", got, want)
	}
	if after.Version != tk.Version+1 {
		t.Errorf("Version=%d, want %d: one write", after.Version, tk.Version+1)
	}
	if changes := MustOutbox(t, e); len(changes) != 0 {
		t.Errorf("outbox holds %d changes, want none: the mark asks for nothing", len(changes))
	}
	if err := e.Desk.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	if again := MustGet(t, e, tk.ID); again.Version != after.Version {
		t.Errorf("Version=%d, want %d: a redelivered withheld hand-off wrote", again.Version, after.Version)
	}
}
