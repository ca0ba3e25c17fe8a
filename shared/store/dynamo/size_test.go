package dynamo_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// Ensure the largest timeline the domain allows, MaxTimeline events with
// notes of MaxNote bytes (8 MB, twenty times DynamoDB's item limit), is
// stored and read back whole: the events are items of their own. Past the
// limit the domain refuses notes, and resolving still works.
func TestLargestTimelineFits(t *testing.T) {
	s := MustOpen(t).Store
	tk := trigger(t, s, "chatty", start)
	note := func(i int) string {
		prefix := fmt.Sprintf("note %04d ", i)
		return prefix + strings.Repeat("x", ticket.MaxNote-len(prefix))
	}
	for n := 1; n < ticket.MaxTimeline; {
		mustUpdate(t, s, tk.ID, func(tk *ticket.Ticket) error {
			for i := n; i < min(n+90, ticket.MaxTimeline); i++ {
				if err := tk.AddNote("bob", note(i), start); err != nil {
					return err
				}
			}
			return nil
		})
		n += 90
	}
	got, err := s.Get(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Timeline) != ticket.MaxTimeline {
		t.Fatalf("timeline has %d events, want %d", len(got.Timeline), ticket.MaxTimeline)
	}
	for i, e := range got.Timeline[1:] {
		if e.Note != note(i+1) {
			t.Fatalf("event %d note = %.20q…, want %.20q…", i+1, e.Note, note(i+1))
		}
	}
	_, err = s.Update(ctx, tk.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "one more", start) })
	wantCode(t, err, ticket.Conflict)
	done := mustUpdate(t, s, tk.ID, func(tk *ticket.Ticket) error { return tk.Resolve("bob", note(0), start) })
	if len(done.Timeline) != ticket.MaxTimeline+1 || done.Status != ticket.StatusResolved {
		t.Fatalf("resolve of a full timeline: %d events, %s", len(done.Timeline), done.Status)
	}
}

// Ensure writes DynamoDB would refuse for their size are refused before
// anything is sent, with a TooLarge error that says what to shorten, and
// store nothing.
func TestOversizedWritesAreRefused(t *testing.T) {
	huge := strings.Repeat("y", 450*1024)
	tests := []struct {
		name    string
		write   func(t *testing.T, e Env, open *ticket.Ticket) error
		message string
	}{
		{"new_ticket_details_over_400_KB", func(t *testing.T, e Env, _ *ticket.Ticket) error {
			_, err := e.Store.Upsert(ctx, "prom", "big", func(*ticket.Ticket) (*ticket.Ticket, error) {
				id, _ := ticket.NewID(start, rand.Reader)
				return ticket.New(id, "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "big", Title: "big",
					Details: map[string]any{"dump": huge}}, place, nil, start)
			})
			return err
		}, "over its 400 KB item limit: shorten its description, labels, details or links"},
		{"repeat_grows_details_over_400_KB", func(t *testing.T, e Env, open *ticket.Ticket) error {
			_, err := e.Store.Upsert(ctx, "prom", open.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
				return latest, latest.Occur(ticket.Signal{Details: map[string]any{"dump": huge}}, start)
			})
			return err
		}, "over its 400 KB item limit"},
		{"event_with_an_actor_over_400_KB", func(t *testing.T, e Env, open *ticket.Ticket) error {
			_, err := e.Store.Update(ctx, open.ID, func(tk *ticket.Ticket) error { return tk.AddNote(huge, "hi", start) })
			return err
		}, "a timeline event would take"},
		{"one_write_adding_99_events", func(t *testing.T, e Env, open *ticket.Ticket) error {
			_, err := e.Store.Update(ctx, open.ID, func(tk *ticket.Ticket) error {
				for i := range 99 {
					if err := tk.AddNote("bob", fmt.Sprint(i), start); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}, "DynamoDB takes at most 97 in one transaction"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := MustOpen(t)
			open := trigger(t, e.Store, "disk", start)
			err := tc.write(t, e, open)
			wantCode(t, err, ticket.TooLarge)
			if !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("error %q, want it to say %q", err, tc.message)
			}
			if got := partition(t, e.Client, "K#4:prom#big"); len(got) != 0 {
				t.Fatalf("a refused new ticket left a dedup item")
			}
			if got, err := e.Store.Get(ctx, open.ID); err != nil || got.Version != 1 || len(got.Timeline) != 1 || len(got.Details) != 0 {
				t.Fatalf("after the refused write the open ticket is %+v, %v; want it untouched", got, err)
			}
		})
	}
}
