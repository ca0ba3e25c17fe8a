package ticket_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// later is when the moves under test happen: after MustTicket's own moves.
var later = now.Add(10 * time.Minute)

// FillTimeline adds notes to t until its timeline holds n events.
func FillTimeline(tb testing.TB, t *ticket.Ticket, n int) {
	tb.Helper()
	for i := len(t.Timeline); i < n; i++ {
		if err := t.AddNote("bob", fmt.Sprintf("note %d", i), now.Add(time.Second)); err != nil {
			tb.Fatalf("AddNote %d: %v", i, err)
		}
	}
}

// TestRefusedMoves checks every illegal move: it is refused with the right
// code and leaves the ticket exactly as it was.
func TestRefusedMoves(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", ticket.MaxNote+1)
	tests := []struct {
		name   string
		tier   ticket.Tier
		status ticket.Status
		setup  func(testing.TB, *ticket.Ticket) // optional, after MustTicket
		move   func(*ticket.Ticket) error
		want   ticket.Code
	}{
		// Ensure a ticket someone took cannot be taken again.
		{name: "acknowledge_acknowledged", tier: ticket.L1, status: ticket.StatusAcknowledged,
			move: func(t *ticket.Ticket) error { return t.Acknowledge("bob", policy[t.Tier], later) }, want: ticket.Conflict},
		// Ensure a resolved ticket must be reopened before it is taken.
		{name: "acknowledge_resolved", tier: ticket.L1, status: ticket.StatusResolved,
			move: func(t *ticket.Ticket) error { return t.Acknowledge("bob", policy[t.Tier], later) }, want: ticket.Conflict},
		// Ensure a ticket resolves once.
		{name: "resolve_twice", tier: ticket.L1, status: ticket.StatusResolved,
			move: func(t *ticket.Ticket) error { return t.Resolve("bob", "again", later) }, want: ticket.Conflict},
		// Ensure a resolution is held to the note limit.
		{name: "resolve_overlong_resolution", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.Resolve("bob", long, later) }, want: ticket.Invalid},
		// Ensure a resolved ticket stays where it is.
		{name: "escalate_resolved", tier: ticket.L1, status: ticket.StatusResolved,
			move: escalate(ticket.L2, false, "tried"), want: ticket.Conflict},
		// Ensure a person escalating must say what was tried.
		{name: "escalate_manual_without_note", tier: ticket.L1, status: ticket.StatusAcknowledged,
			move: escalate(ticket.L2, true, ""), want: ticket.Invalid},
		// Ensure a blank note is no note.
		{name: "escalate_manual_blank_note", tier: ticket.L1, status: ticket.StatusOpen,
			move: escalate(ticket.L2, true, " \n\t "), want: ticket.Invalid},
		// Ensure a hand-off note is held to the note limit.
		{name: "escalate_overlong_note", tier: ticket.L1, status: ticket.StatusOpen,
			move: escalate(ticket.L2, true, long), want: ticket.Invalid},
		// Ensure there is no tier above L3.
		{name: "escalate_past_l3", tier: ticket.L3, status: ticket.StatusOpen,
			move: escalate(4, false, ""), want: ticket.Conflict},
		// Ensure a ticket at L3 cannot escalate to L3.
		{name: "escalate_l3_to_l3", tier: ticket.L3, status: ticket.StatusAcknowledged,
			move: escalate(ticket.L3, true, "tried"), want: ticket.Conflict},
		// Ensure escalation never moves down.
		{name: "escalate_to_lower_tier", tier: ticket.L2, status: ticket.StatusOpen,
			move: escalate(ticket.L1, true, "tried"), want: ticket.Conflict},
		// Ensure escalation to the same tier is not a move.
		{name: "escalate_to_same_tier", tier: ticket.L2, status: ticket.StatusOpen,
			move: escalate(ticket.L2, false, ""), want: ticket.Conflict},
		// Ensure the zero tier is no target.
		{name: "escalate_to_zero_tier", tier: ticket.L1, status: ticket.StatusOpen,
			move: escalate(0, false, ""), want: ticket.Conflict},
		// Ensure a resolved ticket is not paged again.
		{name: "repeat_resolved", tier: ticket.L3, status: ticket.StatusResolved,
			move: func(t *ticket.Ticket) error { return t.Repeat("missed", policy[ticket.L3], later) }, want: ticket.Conflict},
		// Ensure a note has text.
		{name: "note_empty", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.AddNote("bob", "", later) }, want: ticket.Invalid},
		// Ensure whitespace is no text.
		{name: "note_blank", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.AddNote("bob", "  \n ", later) }, want: ticket.Invalid},
		// Ensure a note is held to MaxNote bytes.
		{name: "note_overlong", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.AddNote("bob", long, later) }, want: ticket.Invalid},
		// Ensure a full timeline takes no more notes.
		{name: "note_on_full_timeline", tier: ticket.L1, status: ticket.StatusOpen,
			setup: func(tb testing.TB, t *ticket.Ticket) { FillTimeline(tb, t, ticket.MaxTimeline) },
			move:  func(t *ticket.Ticket) error { return t.AddNote("bob", "one more", later) }, want: ticket.Conflict},
		// Ensure an assignment names someone.
		{name: "assign_empty", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.Assign("lead", " ", later) }, want: ticket.Invalid},
		// Ensure an assignee is held to MaxLabelValue bytes.
		{name: "assign_overlong", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error {
				return t.Assign("lead", strings.Repeat("a", ticket.MaxLabelValue+1), later)
			}, want: ticket.Invalid},
		// Ensure a resolved ticket must be reopened before it is assigned.
		{name: "assign_resolved", tier: ticket.L1, status: ticket.StatusResolved,
			move: func(t *ticket.Ticket) error { return t.Assign("lead", "carol", later) }, want: ticket.Conflict},
		// Ensure assigning the assignee again is refused rather than logged twice.
		{name: "assign_same_assignee", tier: ticket.L1, status: ticket.StatusAcknowledged,
			move: func(t *ticket.Ticket) error { return t.Assign("lead", " alice ", later) }, want: ticket.Conflict},
		// Ensure an open ticket cannot be reopened.
		{name: "reopen_open", tier: ticket.L1, status: ticket.StatusOpen,
			move: func(t *ticket.Ticket) error { return t.Reopen("bob", "", policy[ticket.L1], later) }, want: ticket.Conflict},
		// Ensure an acknowledged ticket cannot be reopened.
		{name: "reopen_acknowledged", tier: ticket.L2, status: ticket.StatusAcknowledged,
			move: func(t *ticket.Ticket) error { return t.Reopen("bob", "", policy[ticket.L2], later) }, want: ticket.Conflict},
		// Ensure a reopen note is held to the note limit.
		{name: "reopen_overlong_note", tier: ticket.L1, status: ticket.StatusResolved,
			move: func(t *ticket.Ticket) error { return t.Reopen("bob", long, policy[ticket.L1], later) }, want: ticket.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, tt.tier, tt.status)
			if tt.setup != nil {
				tt.setup(t, tk)
			}
			before := Clone(tk)
			err := tt.move(tk)
			if code := ticket.ErrorCode(err); code != tt.want {
				t.Errorf("ErrorCode=%q, want %q (err: %v)", code, tt.want, err)
			}
			if !reflect.DeepEqual(tk, before) {
				t.Errorf("refused move changed the ticket:\n%+v\nwant\n%+v", tk, before)
			}
		})
	}
}

// escalate returns a move that escalates a ticket to tier at later.
func escalate(to ticket.Tier, manual bool, note string) func(*ticket.Ticket) error {
	return func(t *ticket.Ticket) error {
		return t.Escalate(ticket.Escalation{To: to, Actor: "bob", Reason: "manual", Note: note,
			Manual: manual, At: later, Deadlines: policy[ticket.L2]})
	}
}

func TestAcknowledge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		setup        func(testing.TB) *ticket.Ticket
		wantAssignee string
	}{
		// Ensure acknowledging an open ticket makes the actor its assignee.
		{name: "open_ticket_is_taken_by_actor", wantAssignee: "bob",
			setup: func(tb testing.TB) *ticket.Ticket { return MustNew(tb, ticket.L1) }},
		// Ensure an assignment made earlier survives the acknowledgement.
		{name: "assigned_ticket_keeps_assignee", wantAssignee: "carol",
			setup: func(tb testing.TB) *ticket.Ticket {
				t := MustNew(tb, ticket.L1)
				if err := t.Assign("lead", "carol", now.Add(time.Minute)); err != nil {
					tb.Fatalf("Assign: %v", err)
				}
				return t
			}},
		// Ensure a reopened ticket can be taken again.
		{name: "reopened_ticket_is_taken_again", wantAssignee: "alice",
			setup: func(tb testing.TB) *ticket.Ticket {
				t := MustTicket(tb, ticket.L1, ticket.StatusResolved)
				if err := t.Reopen("alice", "", policy[ticket.L1], now.Add(5*time.Minute)); err != nil {
					tb.Fatalf("Reopen: %v", err)
				}
				return t
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := tt.setup(t)
			n := len(tk.Timeline)
			if err := tk.Acknowledge("bob", policy[tk.Tier], later); err != nil {
				t.Fatalf("Acknowledge: %v", err)
			}
			if tk.Status != ticket.StatusAcknowledged {
				t.Errorf("Status=%v, want %v", tk.Status, ticket.StatusAcknowledged)
			}
			if tk.Assignee != tt.wantAssignee {
				t.Errorf("Assignee=%q, want %q", tk.Assignee, tt.wantAssignee)
			}
			if !tk.AcknowledgedAt.Equal(later) || !tk.UpdatedAt.Equal(later) {
				t.Errorf("AcknowledgedAt=%v UpdatedAt=%v, want %v", tk.AcknowledgedAt, tk.UpdatedAt, later)
			}
			if len(tk.Timeline) != n+1 {
				t.Fatalf("len(Timeline)=%d, want %d", len(tk.Timeline), n+1)
			}
			want := ticket.Event{At: later, Kind: ticket.EventAcknowledged, Actor: "bob"}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}

	// Ensure the refusal says who has the ticket.
	t.Run("conflict_names_acknowledger", func(t *testing.T) {
		t.Parallel()
		tk := MustTicket(t, ticket.L1, ticket.StatusAcknowledged)
		err := tk.Acknowledge("bob", policy[tk.Tier], later)
		if msg := ticket.ErrorMessage(err); !strings.Contains(msg, "alice") {
			t.Errorf("ErrorMessage=%q, want it to name alice", msg)
		}
	})
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     ticket.Status
		resolution string
		want       string
	}{
		// Ensure an open ticket can be resolved without being acknowledged.
		{name: "open", status: ticket.StatusOpen, resolution: "freed space", want: "freed space"},
		// Ensure an acknowledged ticket resolves, with the resolution trimmed.
		{name: "acknowledged_trims_resolution", status: ticket.StatusAcknowledged,
			resolution: "  rotated logs\n", want: "rotated logs"},
		// Ensure a resolution text is optional (an alert source resolves without one).
		{name: "empty_resolution", status: ticket.StatusOpen, resolution: "", want: ""},
		// Ensure a resolution of exactly MaxNote bytes is accepted.
		{name: "resolution_at_limit", status: ticket.StatusOpen,
			resolution: strings.Repeat("r", ticket.MaxNote), want: strings.Repeat("r", ticket.MaxNote)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			before := Clone(tk)
			if err := tk.Resolve("bob", tt.resolution, later); err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if tk.Status != ticket.StatusResolved {
				t.Errorf("Status=%v, want %v", tk.Status, ticket.StatusResolved)
			}
			if !tk.ResolvedAt.Equal(later) {
				t.Errorf("ResolvedAt=%v, want %v", tk.ResolvedAt, later)
			}
			if tk.Resolution != tt.want {
				t.Errorf("Resolution=%q, want %q", tk.Resolution, tt.want)
			}
			if tk.Assignee != before.Assignee || tk.Tier != before.Tier || tk.Clock != before.Clock {
				t.Errorf("Assignee=%q Tier=%v Clock=%d, want %q %v %d",
					tk.Assignee, tk.Tier, tk.Clock, before.Assignee, before.Tier, before.Clock)
			}
			want := ticket.Event{At: later, Kind: ticket.EventResolved, Actor: "bob", Note: tt.want}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}

func TestEscalate(t *testing.T) {
	t.Parallel()
	at := now.Add(15 * time.Minute)
	tests := []struct {
		name  string
		setup func(testing.TB) *ticket.Ticket
		esc   ticket.Escalation
		note  string // the event's note: the hand-off note, trimmed
	}{
		// Ensure a missed acknowledgement moves an open ticket up, keeping the clock.
		{name: "auto_from_open_l1",
			setup: func(tb testing.TB) *ticket.Ticket { return MustNew(tb, ticket.L1) },
			esc: ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "not acknowledged within 15m at L1",
				At: at, Deadlines: policy[ticket.L2]}},
		// Ensure escalating an acknowledged ticket reopens it for the next tier, unassigned.
		{name: "auto_from_acknowledged_clears_assignee",
			setup: func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, ticket.L2, ticket.StatusAcknowledged) },
			esc: ticket.Escalation{To: ticket.L3, Actor: ticket.Tierline, Reason: "not resolved within 8h at L2",
				At: at, Deadlines: policy[ticket.L3]}},
		// Ensure a manual escalation carries its trimmed note and restarts the clock.
		{name: "manual_from_acknowledged_restarts_clock",
			setup: func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, ticket.L1, ticket.StatusAcknowledged) },
			esc: ticket.Escalation{To: ticket.L2, Actor: "alice", Reason: "manual", Note: "  restarted nginx; still 502\n",
				Manual: true, At: at, Deadlines: policy[ticket.L2]},
			note: "restarted nginx; still 502"},
		// Ensure a tier may be skipped.
		{name: "manual_skips_a_tier",
			setup: func(tb testing.TB) *ticket.Ticket { return MustNew(tb, ticket.L1) },
			esc: ticket.Escalation{To: ticket.L3, Actor: "alice", Reason: "manual", Note: "needs the DBA",
				Manual: true, At: at, Deadlines: policy[ticket.L3]},
			note: "needs the DBA"},
		// Ensure the repeat count starts over at the new tier.
		{name: "escalation_resets_repeats",
			setup: func(tb testing.TB) *ticket.Ticket {
				t := MustNew(tb, ticket.L2)
				for range 2 {
					if err := t.Repeat("missed", policy[ticket.L2], now.Add(time.Minute)); err != nil {
						tb.Fatalf("Repeat: %v", err)
					}
				}
				return t
			},
			esc: ticket.Escalation{To: ticket.L3, Actor: ticket.Tierline, Reason: "repeats exhausted at L2",
				At: at, Deadlines: policy[ticket.L3]}},
		// Ensure a second escalation counts on from the first.
		{name: "second_escalation_counts_on",
			setup: func(tb testing.TB) *ticket.Ticket {
				t := MustNew(tb, ticket.L1)
				if err := t.Escalate(ticket.Escalation{To: ticket.L2, Actor: "bob", Note: "n", Manual: true,
					At: now.Add(time.Minute), Deadlines: policy[ticket.L2]}); err != nil {
					tb.Fatalf("Escalate: %v", err)
				}
				return t
			},
			esc: ticket.Escalation{To: ticket.L3, Actor: ticket.Tierline, Reason: "not acknowledged within 30m at L2",
				At: at, Deadlines: policy[ticket.L3]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := tt.setup(t)
			before := Clone(tk)
			if err := tk.Escalate(tt.esc); err != nil {
				t.Fatalf("Escalate: %v", err)
			}
			if tk.Tier != tt.esc.To {
				t.Errorf("Tier=%v, want %v", tk.Tier, tt.esc.To)
			}
			if tk.Status != ticket.StatusOpen {
				t.Errorf("Status=%v, want %v", tk.Status, ticket.StatusOpen)
			}
			if tk.Assignee != "" || !tk.AcknowledgedAt.IsZero() {
				t.Errorf("Assignee=%q AcknowledgedAt=%v, want none", tk.Assignee, tk.AcknowledgedAt)
			}
			if want := at.Add(tt.esc.Acknowledge); !tk.AcknowledgeBy.Equal(want) {
				t.Errorf("AcknowledgeBy=%v, want %v", tk.AcknowledgeBy, want)
			}
			if want := at.Add(tt.esc.Resolve); !tk.ResolveBy.Equal(want) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, want)
			}
			if tk.Escalations != before.Escalations+1 {
				t.Errorf("Escalations=%d, want %d", tk.Escalations, before.Escalations+1)
			}
			if tk.Repeats != 0 {
				t.Errorf("Repeats=%d, want 0", tk.Repeats)
			}
			if tk.Notices != before.Notices+1 {
				t.Errorf("Notices=%d, want %d", tk.Notices, before.Notices+1)
			}
			wantClock := before.Clock
			if tt.esc.Manual {
				wantClock++
			}
			if tk.Clock != wantClock {
				t.Errorf("Clock=%d, want %d", tk.Clock, wantClock)
			}
			if !tk.UpdatedAt.Equal(at) {
				t.Errorf("UpdatedAt=%v, want %v", tk.UpdatedAt, at)
			}
			if tk.Occurrences != before.Occurrences || tk.Priority != before.Priority {
				t.Errorf("Occurrences=%d Priority=%v, want %d %v", tk.Occurrences, tk.Priority, before.Occurrences, before.Priority)
			}
			want := ticket.Event{At: at, Kind: ticket.EventEscalated, Actor: tt.esc.Actor, From: before.Tier,
				To: tt.esc.To, Reason: tt.esc.Reason, Note: tt.note, Notice: before.Notices + 1}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
			if len(tk.Timeline) != len(before.Timeline)+1 {
				t.Errorf("len(Timeline)=%d, want %d", len(tk.Timeline), len(before.Timeline)+1)
			}
		})
	}
}

func TestRepeat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      ticket.Status
		resetsAckBy bool // true: AcknowledgeBy restarts; false: ResolveBy does
	}{
		// Ensure an open ticket gets its acknowledge deadline again, and only that.
		{name: "open_resets_acknowledge_by", status: ticket.StatusOpen, resetsAckBy: true},
		// Ensure an acknowledged ticket gets its resolve deadline again, and only that.
		{name: "acknowledged_resets_resolve_by", status: ticket.StatusAcknowledged, resetsAckBy: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L3, tt.status)
			before := Clone(tk)
			d := ticket.Deadlines{Acknowledge: 7 * time.Minute, Resolve: 3 * time.Hour}
			if err := tk.Repeat("not acknowledged within 1h at L3", d, later); err != nil {
				t.Fatalf("Repeat: %v", err)
			}
			wantAck, wantResolve := before.AcknowledgeBy, later.Add(d.Resolve)
			if tt.resetsAckBy {
				wantAck, wantResolve = later.Add(d.Acknowledge), before.ResolveBy
			}
			if !tk.AcknowledgeBy.Equal(wantAck) {
				t.Errorf("AcknowledgeBy=%v, want %v", tk.AcknowledgeBy, wantAck)
			}
			if !tk.ResolveBy.Equal(wantResolve) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, wantResolve)
			}
			if tk.Repeats != before.Repeats+1 {
				t.Errorf("Repeats=%d, want %d", tk.Repeats, before.Repeats+1)
			}
			if tk.Notices != before.Notices+1 {
				t.Errorf("Notices=%d, want %d", tk.Notices, before.Notices+1)
			}
			if tk.Clock != before.Clock || tk.Status != before.Status || tk.Tier != before.Tier || tk.Assignee != before.Assignee {
				t.Errorf("Clock=%d Status=%v Tier=%v Assignee=%q, want %d %v %v %q", tk.Clock, tk.Status, tk.Tier,
					tk.Assignee, before.Clock, before.Status, before.Tier, before.Assignee)
			}
			want := ticket.Event{At: later, Kind: ticket.EventRepeated, Actor: ticket.Tierline, From: ticket.L3,
				To: ticket.L3, Reason: "not acknowledged within 1h at L3", Notice: before.Notices + 1}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}

func TestExhaust(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L3)
	before := Clone(tk)

	// Ensure the first exhaustion is recorded and changes nothing else.
	if !tk.Exhaust("no repeats left at L3", later) {
		t.Fatal("Exhaust=false, want true")
	}
	want := ticket.Event{At: later, Kind: ticket.EventExhausted, Actor: ticket.Tierline, From: ticket.L3,
		Reason: "no repeats left at L3"}
	if got := Last(t, tk); !reflect.DeepEqual(got, want) {
		t.Errorf("event=%+v, want %+v", got, want)
	}
	if tk.Status != before.Status || tk.Tier != before.Tier || tk.Notices != before.Notices || tk.Clock != before.Clock {
		t.Errorf("Status=%v Tier=%v Notices=%d Clock=%d, want %v %v %d %d", tk.Status, tk.Tier, tk.Notices,
			tk.Clock, before.Status, before.Tier, before.Notices, before.Clock)
	}

	// Ensure a late or duplicate timer records nothing more.
	after := Clone(tk)
	if tk.Exhaust("no repeats left at L3", later.Add(time.Minute)) {
		t.Error("second Exhaust=true, want false")
	}
	if !reflect.DeepEqual(tk, after) {
		t.Errorf("second Exhaust changed the ticket:\n%+v\nwant\n%+v", tk, after)
	}

	// Ensure a note or a delivery in between does not make it record again.
	if err := tk.AddNote("alice", "still looking", later); err != nil {
		t.Fatal(err)
	}
	tk.RecordDelivery(tk.Notices, "webhook", later)
	if tk.Exhaust("no repeats left at L3", later.Add(2*time.Minute)) {
		t.Error("Exhaust after a note=true, want false")
	}

	// Ensure a new hand-off (here a reopen) may be exhausted again, and a
	// resolved ticket never is.
	if err := tk.Resolve("alice", "fixed", later); err != nil {
		t.Fatal(err)
	}
	if tk.Exhaust("late", later) {
		t.Error("Exhaust on a resolved ticket=true, want false")
	}
	if err := tk.Reopen("alice", "back", ticket.Deadlines{Acknowledge: time.Minute, Resolve: time.Hour}, later); err != nil {
		t.Fatal(err)
	}
	if !tk.Exhaust("no repeats left at L3", later.Add(time.Hour)) {
		t.Error("Exhaust after a reopen=false, want true")
	}
}

func TestAddNote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
		fill   int // timeline length before the note; 0 leaves it as is
		note   string
		want   string
	}{
		// Ensure an open ticket takes a note, trimmed.
		{name: "open_trims_note", status: ticket.StatusOpen, note: "  checked df -h\n", want: "checked df -h"},
		// Ensure an acknowledged ticket takes a note.
		{name: "acknowledged", status: ticket.StatusAcknowledged, note: "rotating logs", want: "rotating logs"},
		// Ensure a resolved ticket takes the post-mortem.
		{name: "resolved_takes_post_mortem", status: ticket.StatusResolved, note: "root cause: cron", want: "root cause: cron"},
		// Ensure a note of exactly MaxNote bytes is accepted.
		{name: "note_at_limit", status: ticket.StatusOpen,
			note: strings.Repeat("n", ticket.MaxNote), want: strings.Repeat("n", ticket.MaxNote)},
		// Ensure the last free slot of the timeline can be used.
		{name: "last_timeline_slot", status: ticket.StatusOpen, fill: ticket.MaxTimeline - 1, note: "last", want: "last"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			FillTimeline(t, tk, tt.fill)
			before := Clone(tk)
			if err := tk.AddNote("bob", tt.note, later); err != nil {
				t.Fatalf("AddNote: %v", err)
			}
			if tk.Status != before.Status {
				t.Errorf("Status=%v, want %v", tk.Status, before.Status)
			}
			if !tk.UpdatedAt.Equal(later) {
				t.Errorf("UpdatedAt=%v, want %v", tk.UpdatedAt, later)
			}
			want := ticket.Event{At: later, Kind: ticket.EventNoted, Actor: "bob", Note: tt.want}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   ticket.Status
		assignee string
		want     string
	}{
		// Ensure an open ticket can be given to someone.
		{name: "open_unassigned", status: ticket.StatusOpen, assignee: "carol", want: "carol"},
		// Ensure an acknowledged ticket can change hands.
		{name: "acknowledged_changes_hands", status: ticket.StatusAcknowledged, assignee: "carol", want: "carol"},
		// Ensure the assignee is trimmed.
		{name: "assignee_trimmed", status: ticket.StatusOpen, assignee: "  carol\t", want: "carol"},
		// Ensure an assignee of exactly MaxName bytes is accepted.
		{name: "assignee_at_limit", status: ticket.StatusOpen,
			assignee: strings.Repeat("a", ticket.MaxName), want: strings.Repeat("a", ticket.MaxName)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			before := Clone(tk)
			if err := tk.Assign("lead", tt.assignee, later); err != nil {
				t.Fatalf("Assign: %v", err)
			}
			if tk.Assignee != tt.want {
				t.Errorf("Assignee=%q, want %q", tk.Assignee, tt.want)
			}
			if tk.Status != before.Status {
				t.Errorf("Status=%v, want %v", tk.Status, before.Status)
			}
			want := ticket.Event{At: later, Kind: ticket.EventAssigned, Actor: "lead", Assignee: tt.want}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(testing.TB) *ticket.Ticket
		note  string
		want  string // the event's note
	}{
		// Ensure a resolved ticket comes back open with a note.
		{name: "resolved_with_note", note: " came back after deploy ", want: "came back after deploy",
			setup: func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, ticket.L1, ticket.StatusResolved) }},
		// Ensure a note is optional.
		{name: "resolved_without_note", note: "", want: "",
			setup: func(tb testing.TB) *ticket.Ticket { return MustTicket(tb, ticket.L2, ticket.StatusResolved) }},
		// Ensure a ticket resolved at L3 after repeats reopens with no repeats spent.
		{name: "resets_repeats", note: "", want: "",
			setup: func(tb testing.TB) *ticket.Ticket {
				t := MustNew(tb, ticket.L3)
				if err := t.Repeat("missed", policy[ticket.L3], now.Add(time.Minute)); err != nil {
					tb.Fatalf("Repeat: %v", err)
				}
				if err := t.Resolve("alice", "fixed", now.Add(2*time.Minute)); err != nil {
					tb.Fatalf("Resolve: %v", err)
				}
				return t
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := tt.setup(t)
			before := Clone(tk)
			d := ticket.Deadlines{Acknowledge: 5 * time.Minute, Resolve: time.Hour}
			if err := tk.Reopen("bob", tt.note, d, later); err != nil {
				t.Fatalf("Reopen: %v", err)
			}
			if tk.Status != ticket.StatusOpen {
				t.Errorf("Status=%v, want %v", tk.Status, ticket.StatusOpen)
			}
			if !tk.ResolvedAt.IsZero() || !tk.AcknowledgedAt.IsZero() || tk.Resolution != "" {
				t.Errorf("ResolvedAt=%v AcknowledgedAt=%v Resolution=%q, want none", tk.ResolvedAt, tk.AcknowledgedAt, tk.Resolution)
			}
			if tk.Tier != before.Tier {
				t.Errorf("Tier=%v, want %v", tk.Tier, before.Tier)
			}
			if tk.Repeats != 0 {
				t.Errorf("Repeats=%d, want 0", tk.Repeats)
			}
			if tk.Notices != before.Notices+1 {
				t.Errorf("Notices=%d, want %d", tk.Notices, before.Notices+1)
			}
			if tk.Clock != before.Clock+1 {
				t.Errorf("Clock=%d, want %d", tk.Clock, before.Clock+1)
			}
			if want := later.Add(d.Acknowledge); !tk.AcknowledgeBy.Equal(want) {
				t.Errorf("AcknowledgeBy=%v, want %v", tk.AcknowledgeBy, want)
			}
			if want := later.Add(d.Resolve); !tk.ResolveBy.Equal(want) {
				t.Errorf("ResolveBy=%v, want %v", tk.ResolveBy, want)
			}
			want := ticket.Event{At: later, Kind: ticket.EventReopened, Actor: "bob", Note: tt.want,
				To: before.Tier, Notice: before.Notices + 1}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}

func TestRecordDelivery(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L2)
	steps := []struct {
		name    string
		notice  int
		channel string
		want    bool
	}{
		// Ensure the first delivery of a notice to a channel is recorded.
		{name: "first_delivery", notice: 1, channel: "slack", want: true},
		// Ensure a redelivered queue message records nothing.
		{name: "redelivery", notice: 1, channel: "slack", want: false},
		// Ensure the same notice on another channel is its own delivery.
		{name: "other_channel", notice: 1, channel: "email", want: true},
		// Ensure the next notice on the same channel is its own delivery.
		{name: "next_notice", notice: 2, channel: "slack", want: true},
		// Ensure a redelivery is refused even after other deliveries.
		{name: "late_redelivery", notice: 1, channel: "email", want: false},
	}
	// The steps run in order on one ticket, so they are not parallel.
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			at := later.Add(time.Duration(i) * time.Second)
			before := Clone(tk)
			if got := tk.RecordDelivery(st.notice, st.channel, at); got != st.want {
				t.Fatalf("RecordDelivery(%d, %q)=%v, want %v", st.notice, st.channel, got, st.want)
			}
			if !tk.Delivered(st.notice, st.channel) {
				t.Errorf("Delivered(%d, %q)=false, want true", st.notice, st.channel)
			}
			if !st.want {
				if !reflect.DeepEqual(tk, before) {
					t.Errorf("redelivery changed the ticket:\n%+v\nwant\n%+v", tk, before)
				}
				return
			}
			want := ticket.Event{At: at, Kind: ticket.EventNotified, Actor: ticket.Tierline,
				Notice: st.notice, Channel: st.channel, To: ticket.L2}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}
}
