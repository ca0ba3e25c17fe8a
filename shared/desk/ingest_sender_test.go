package desk_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a redelivery is answered Duplicate and changes nothing, while news
// is applied: the senders' own ids (SNS MessageId, Datadog $ID) whenever
// the ticket remembers them, and a signal without an id always counts.
func TestIngestRedelivery(t *testing.T) {
	t.Parallel()
	withID := func(sig ticket.Signal, id string) ticket.Signal { sig.DeliveryID = id; return sig }
	resolve := ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"}
	type step struct {
		sig     ticket.Signal
		after   time.Duration // the clock moves this much first
		outcome desk.Outcome
	}
	tests := []struct {
		name        string
		steps       []step
		occurrences int // of the first ticket at the end
		tickets     int // of the key at the end
	}{
		// Ensure a trigger delivered twice opens one ticket counted once.
		{name: "trigger_redelivered", steps: []step{
			{sig: withID(Alert("db-1"), "m1"), outcome: desk.Created},
			{sig: withID(Alert("db-1"), "m1"), after: 20 * time.Second, outcome: desk.Duplicate},
		}, occurrences: 1, tickets: 1},
		// Ensure a new delivery of the same alert is an occurrence.
		{name: "new_delivery_counts", steps: []step{
			{sig: withID(Alert("db-1"), "m1"), outcome: desk.Created},
			{sig: withID(Alert("db-1"), "m2"), after: time.Minute, outcome: desk.Occurrence},
		}, occurrences: 2, tickets: 1},
		// Ensure an alarm redelivered after its resolve opens no new ticket (SNS retries out of order).
		{name: "trigger_redelivered_after_resolve", steps: []step{
			{sig: withID(Alert("db-1"), "m1"), outcome: desk.Created},
			{sig: withID(resolve, "m2"), after: time.Second, outcome: desk.Resolved},
			{sig: withID(Alert("db-1"), "m1"), after: 20 * time.Second, outcome: desk.Duplicate},
		}, occurrences: 1, tickets: 1},
		// Ensure the same signal again without an id counts, however soon: monitors re-fire.
		{name: "repeat_without_id", steps: []step{
			{sig: Alert("db-1"), outcome: desk.Created},
			{sig: Alert("db-1"), after: time.Second, outcome: desk.Occurrence},
		}, occurrences: 2, tickets: 1},
		// Ensure the same trigger after a resolve is a new alert.
		{name: "repeat_after_resolve", steps: []step{
			{sig: Alert("db-1"), outcome: desk.Created},
			{sig: resolve, after: time.Second, outcome: desk.Resolved},
			{sig: Alert("db-1"), after: time.Second, outcome: desk.Created},
		}, occurrences: 1, tickets: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			var first string
			ids := map[string]bool{}
			for i, st := range tt.steps {
				e.Clock.Add(st.after)
				var before int
				if first != "" {
					before = MustGet(t, e, first).Version
				}
				r := MustIngest(t, e, st.sig)
				if r.Outcome != st.outcome {
					t.Fatalf("step %d: Outcome=%v, want %v", i, r.Outcome, st.outcome)
				}
				if first == "" {
					first = r.TicketID
				}
				ids[r.TicketID] = true
				if st.outcome == desk.Duplicate {
					if r.TicketID != first {
						t.Errorf("step %d: TicketID=%q, want the first ticket %q", i, r.TicketID, first)
					}
					if v := MustGet(t, e, first).Version; v != before {
						t.Errorf("step %d: Version=%d, want %d: a duplicate writes nothing", i, v, before)
					}
				}
			}
			if got := MustGet(t, e, first).Occurrences; got != tt.occurrences {
				t.Errorf("Occurrences=%d, want %d", got, tt.occurrences)
			}
			if len(ids) != tt.tickets {
				t.Errorf("%d tickets, want %d", len(ids), tt.tickets)
			}
		})
	}
}

// Ensure a sender's note lands on the timeline with its action, and a note
// action reaches the open ticket or the latest resolved one of its key.
func TestIngestNotes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		before  ticket.Status // "" for no ticket
		sig     ticket.Signal
		outcome desk.Outcome
		kind    ticket.EventKind // of the last timeline event; "" when nothing is written
		note    string
	}{
		// Ensure a note action adds the note to the open ticket.
		{name: "note_open", before: ticket.StatusOpen, sig: ticket.Signal{Action: ticket.Annotate, DedupKey: "db-1", Note: "deploy 4411 rolled out"},
			outcome: desk.Noted, kind: ticket.EventNoted, note: "deploy 4411 rolled out"},
		// Ensure a note reaches a resolved ticket: the post-mortem belongs there.
		{name: "note_resolved", before: ticket.StatusResolved, sig: ticket.Signal{Action: ticket.Annotate, DedupKey: "db-1", Note: "root cause: full log volume"},
			outcome: desk.Noted, kind: ticket.EventNoted, note: "root cause: full log volume"},
		// Ensure a note for a key never seen is ignored.
		{name: "note_without_ticket", sig: ticket.Signal{Action: ticket.Annotate, DedupKey: "db-1", Note: "n"}, outcome: desk.Ignored},
		// Ensure a trigger's note follows its creation.
		{name: "trigger_note", sig: func() ticket.Signal { s := Alert("db-1"); s.Note = "auto-created"; return s }(),
			outcome: desk.Created, kind: ticket.EventNoted, note: "auto-created"},
		// Ensure a repeat's note is not added again: it is the note of the creation.
		{name: "occurrence_note", before: ticket.StatusOpen, sig: func() ticket.Signal { s := Alert("db-1"); s.Note = "auto-created"; return s }(),
			outcome: desk.Occurrence, kind: ticket.EventOccurred},
		// Ensure an acknowledge's note follows the acknowledgement.
		{name: "acknowledge_note", before: ticket.StatusOpen, sig: ticket.Signal{Action: ticket.Acknowledge, DedupKey: "db-1", Note: "looking"},
			outcome: desk.Acknowledged, kind: ticket.EventNoted, note: "looking"},
		// Ensure a resolve's note is its resolution.
		{name: "resolve_note", before: ticket.StatusOpen, sig: ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1", Note: "tunnel re-established"},
			outcome: desk.Resolved, kind: ticket.EventResolved, note: "tunnel re-established"},
		// Ensure a resolve without a note says who resolved it.
		{name: "resolve_without_note", before: ticket.StatusOpen, sig: ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"},
			outcome: desk.Resolved, kind: ticket.EventResolved, note: "resolved by prometheus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			if tt.before != "" {
				MustTicketIn(t, e, "db-1", tt.before)
			}
			e.Clock.Add(time.Minute)
			r := MustIngest(t, e, tt.sig)
			if r.Outcome != tt.outcome {
				t.Fatalf("Outcome=%v, want %v", r.Outcome, tt.outcome)
			}
			if tt.kind == "" {
				if r.TicketID != "" {
					t.Errorf("TicketID=%q, want none", r.TicketID)
				}
				return
			}
			last := Last(t, MustGet(t, e, r.TicketID))
			if last.Kind != tt.kind || last.Note != tt.note || last.Actor != "prometheus" {
				t.Errorf("last event %s %q by %q, want %s %q by prometheus", last.Kind, last.Note, last.Actor, tt.kind, tt.note)
			}
		})
	}
}

// Ensure an update replaces the open ticket's text, once, and leaves a
// resolved one alone.
func TestIngestUpdate(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicketIn(t, e, "db-1", ticket.StatusOpen)
	update := ticket.Signal{Action: ticket.Update, DedupKey: "db-1", Title: "disk full on db-1 and db-2"}
	if r := MustIngest(t, e, update); r.Outcome != desk.Updated || r.TicketID != tk.ID {
		t.Fatalf("result %+v, want updated %s", r, tk.ID)
	}
	got := MustGet(t, e, tk.ID)
	if got.Title != update.Title || got.Description != tk.Description || got.Occurrences != 1 {
		t.Errorf("title=%q description=%q occurrences=%d, want the new title, the old description, 1",
			got.Title, got.Description, got.Occurrences)
	}
	// Ensure the same text again writes nothing.
	if r := MustIngest(t, e, update); r.Outcome != desk.Ignored {
		t.Errorf("same update again: Outcome=%v, want %v", r.Outcome, desk.Ignored)
	}
	if v := MustGet(t, e, tk.ID).Version; v != got.Version {
		t.Errorf("Version=%d, want %d", v, got.Version)
	}
	// Ensure a resolved ticket is not revised.
	MustIngest(t, e, ticket.Signal{Action: ticket.Resolve, DedupKey: "db-1"})
	if r := MustIngest(t, e, ticket.Signal{Action: ticket.Update, DedupKey: "db-1", Title: "other"}); r.Outcome != desk.Ignored {
		t.Errorf("update of a resolved ticket: Outcome=%v, want %v", r.Outcome, desk.Ignored)
	}
}
