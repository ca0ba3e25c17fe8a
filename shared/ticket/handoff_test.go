package ticket_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// MustStory returns a ticket that lived a whole life: opened at L1 (notice
// 1), noted, repeated, delivered, acknowledged, escalated to L2 by the clock
// (notice 2), noted, escalated to L3 by hand (notice 3), paged again at L3
// (notice 4), resolved, reopened (notice 5) and noted once more. Step n
// happens n minutes after now.
func MustStory(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	t := MustNew(tb, ticket.L1)
	at := func(n int) time.Time { return now.Add(time.Duration(n) * time.Minute) }
	steps := []func() error{
		func() error { return t.AddNote("ann", "checked df -h", at(1)) },
		func() error { return t.Occur(ticket.Signal{}, at(2)) },
		func() error { t.RecordDelivery(1, "slack", at(3)); return nil },
		func() error { return t.Acknowledge("bob", policy[t.Tier], at(4)) },
		func() error {
			return t.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline,
				Reason: "not resolved within 4h at L1", At: at(5), Deadlines: policy[ticket.L2]})
		},
		func() error { t.RecordDelivery(2, "slack", at(6)); return nil },
		func() error { return t.AddNote("carol", "disk is failing", at(7)) },
		func() error {
			return t.Escalate(ticket.Escalation{To: ticket.L3, Actor: "carol", Reason: "manual",
				Note: "needs a disk swap", Manual: true, At: at(8), Deadlines: policy[ticket.L3]})
		},
		func() error { return t.Repeat("not acknowledged within 1h at L3", policy[ticket.L3], at(9)) },
		func() error { return t.Resolve("dave", "swapped disk", at(10)) },
		func() error { return t.Reopen("ann", "full again", policy[ticket.L3], at(11)) },
		func() error { return t.AddNote("dave", "after the reopen", at(12)) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			tb.Fatalf("step %d: %v", i+1, err)
		}
	}
	return t
}

func TestHandOff(t *testing.T) {
	t.Parallel()
	tk := MustStory(t)
	at := func(n int) time.Time { return now.Add(time.Duration(n) * time.Minute) }
	var (
		noted1   = ticket.Event{At: at(1), Kind: ticket.EventNoted, Actor: "ann", Note: "checked df -h"}
		acked    = ticket.Event{At: at(4), Kind: ticket.EventAcknowledged, Actor: "bob"}
		escal2   = ticket.Event{At: at(5), Kind: ticket.EventEscalated, Actor: ticket.Tierline, From: ticket.L1, To: ticket.L2, Reason: "not resolved within 4h at L1", Notice: 2}
		noted2   = ticket.Event{At: at(7), Kind: ticket.EventNoted, Actor: "carol", Note: "disk is failing"}
		escal3   = ticket.Event{At: at(8), Kind: ticket.EventEscalated, Actor: "carol", From: ticket.L2, To: ticket.L3, Reason: "manual", Note: "needs a disk swap", Notice: 3}
		resolved = ticket.Event{At: at(10), Kind: ticket.EventResolved, Actor: "dave", Note: "swapped disk"}
	)
	tests := []struct {
		name string
		seq  int
		want ticket.HandOff
	}{
		// Ensure the first hand-off is the new ticket, with nothing tried yet,
		// and says that the ticket left L1 for L3, which has it now.
		{name: "created", seq: 1, want: ticket.HandOff{Ticket: tk, Seq: 1, Tier: ticket.L1, Kind: ticket.EventCreated,
			Reason: "new ticket", Actor: "prometheus", At: now,
			MovedOn: &ticket.MovedOn{To: ticket.L3, Notice: 5, Reason: "not resolved within 4h at L1", At: at(5)}}},
		// Ensure an automatic escalation hands over the notes and the acknowledgement, not repeats or deliveries,
		// and says why the ticket left L2.
		{name: "auto_escalated", seq: 2, want: ticket.HandOff{Ticket: tk, Seq: 2, Tier: ticket.L2, From: ticket.L1,
			Kind: ticket.EventEscalated, Reason: "not resolved within 4h at L1", Actor: ticket.Tierline, At: at(5),
			Tried:   []ticket.Event{noted1, acked},
			MovedOn: &ticket.MovedOn{To: ticket.L3, Notice: 5, Reason: "manual", At: at(8)}}},
		// Ensure a manual escalation carries its note and the earlier escalation,
		// and has not moved on: L3 still has the ticket.
		{name: "manual_escalated", seq: 3, want: ticket.HandOff{Ticket: tk, Seq: 3, Tier: ticket.L3, From: ticket.L2,
			Kind: ticket.EventEscalated, Reason: "manual", Note: "needs a disk swap", Actor: "carol", At: at(8),
			Tried: []ticket.Event{noted1, acked, escal2, noted2}}},
		// Ensure a repeat at the top tier hands over everything up to it.
		{name: "repeated", seq: 4, want: ticket.HandOff{Ticket: tk, Seq: 4, Tier: ticket.L3, From: ticket.L3,
			Kind: ticket.EventRepeated, Reason: "not acknowledged within 1h at L3", Actor: ticket.Tierline, At: at(9),
			Tried: []ticket.Event{noted1, acked, escal2, noted2, escal3}}},
		// Ensure a reopen hands over the resolution, but not the note written after it.
		{name: "reopened", seq: 5, want: ticket.HandOff{Ticket: tk, Seq: 5, Tier: ticket.L3,
			Kind: ticket.EventReopened, Note: "full again", Actor: "ann", At: at(11),
			Tried: []ticket.Event{noted1, acked, escal2, noted2, escal3, resolved}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tk.HandOff(tt.seq)
			if !ok {
				t.Fatalf("HandOff(%d) ok=false, want true", tt.seq)
			}
			if got.Ticket != tk {
				t.Errorf("Ticket=%p, want %p", got.Ticket, tk)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HandOff(%d)=\n%+v\nwant\n%+v", tt.seq, got, tt.want)
			}
		})
	}
}

func TestHandOffUnknown(t *testing.T) {
	t.Parallel()
	tk := MustStory(t)
	tests := []struct {
		name string
		seq  int
	}{
		// Ensure there is no notice 0 (events that start no hand-off carry 0).
		{name: "zero", seq: 0},
		// Ensure a notice after the last one is not found.
		{name: "after_last", seq: 6},
		// Ensure a negative notice is not found.
		{name: "negative", seq: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, ok := tk.HandOff(tt.seq); ok {
				t.Errorf("HandOff(%d)=%+v, true; want false", tt.seq, got)
			}
		})
	}

	// Ensure a delivery record alone is no hand-off.
	t.Run("delivery_only", func(t *testing.T) {
		t.Parallel()
		tk := MustNew(t, ticket.L1)
		tk.RecordDelivery(2, "slack", later)
		if got, ok := tk.HandOff(2); ok {
			t.Errorf("HandOff(2)=%+v, true; want false", got)
		}
	})
}

// Ensure a hand-off is superseded only by a later one to the same tier,
// which tells that tier of the ticket anyway.
func TestSuperseded(t *testing.T) {
	t.Parallel()
	tk := MustStory(t) // notices 1 L1, 2 L2, 3 L3, 4 L3 (repeat), 5 L3 (reopen)
	for seq, want := range map[int]bool{1: false, 2: false, 3: true, 4: true, 5: false, 6: false} {
		if got := tk.Superseded(seq); got != want {
			t.Errorf("Superseded(%d)=%v, want %v", seq, got, want)
		}
	}
}

// Ensure a hand-off of a resolved ticket is withheld once, with the tier it
// was for, and that nothing is withheld from an open ticket.
func TestWithhold(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L1)
	if tk.Withhold(1, later) {
		t.Fatal("Withhold of an open ticket's hand-off recorded")
	}
	if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "not acknowledged within 4s at L1",
		At: later, Deadlines: policy[ticket.L2]}); err != nil {
		t.Fatal(err)
	}
	if err := tk.Resolve("ann", "fixed", later); err != nil {
		t.Fatal(err)
	}
	if !tk.Withhold(1, later.Add(time.Second)) {
		t.Fatal("Withhold(1) of a resolved ticket recorded nothing")
	}
	want := ticket.Event{At: later.Add(time.Second), Kind: ticket.EventWithheld, Actor: ticket.Tierline, Notice: 1, To: ticket.L1,
		Reason: "not sent: the ticket was resolved before this hand-off was delivered"}
	if got := Last(t, tk); !reflect.DeepEqual(got, want) {
		t.Errorf("event=%+v, want %+v", got, want)
	}
	before := Clone(tk)
	if tk.Withhold(1, later.Add(2*time.Second)) || !reflect.DeepEqual(tk, before) {
		t.Error("a second Withhold(1) changed the ticket")
	}
	if tk.Withhold(7, later) || !tk.Withheld(1) || tk.Withheld(2) {
		t.Errorf("Withhold(7) or Withheld: wrong for hand-offs the ticket does not have or did not withhold")
	}
	if _, ok := tk.HandOff(1); !ok {
		t.Error("the withheld record hides hand-off 1")
	}
}

// Ensure a delivery is recorded for the tier of its hand-off, and marked
// late when the ticket had moved on to another tier.
func TestRecordLateDelivery(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L1)
	if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "not acknowledged within 4s at L1",
		At: later, Deadlines: policy[ticket.L2]}); err != nil {
		t.Fatal(err)
	}
	at := later.Add(time.Second)
	if !tk.RecordDelivery(1, "slack", at) || !tk.RecordDelivery(2, "slack", at) {
		t.Fatal("RecordDelivery recorded nothing")
	}
	got := tk.Timeline[len(tk.Timeline)-2:]
	want := []ticket.Event{
		{At: at, Kind: ticket.EventNotified, Actor: ticket.Tierline, Notice: 1, Channel: "slack", To: ticket.L1,
			Reason: "late: the ticket had moved on to L2"},
		{At: at, Kind: ticket.EventNotified, Actor: ticket.Tierline, Notice: 2, Channel: "slack", To: ticket.L2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events=%+v, want %+v", got, want)
	}
}
