package dynamo_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// Ensure writes DynamoDB would refuse for their size are refused before
// anything is sent, with a TooLarge error that says what is too big, and
// store nothing: what ticket.CheckSize refuses (which the local store
// refuses too; see storetest), and what only a transaction's shape limits.
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
		}, "over the limit of 393216 (384 KiB); the largest part is its details"},
		{"repeat_grows_details_over_400_KB", func(t *testing.T, e Env, open *ticket.Ticket) error {
			_, err := e.Store.Upsert(ctx, "prom", open.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
				return latest, latest.Occur(ticket.Signal{Details: map[string]any{"dump": huge}}, start)
			})
			return err
		}, "over the limit of 393216 (384 KiB)"},
		{"event_with_an_actor_over_400_KB", func(t *testing.T, e Env, open *ticket.Ticket) error {
			_, err := e.Store.Update(ctx, open.ID, func(tk *ticket.Ticket) error { return tk.AddNote(huge, "hi", start) })
			return err
		}, "its noted event would keep"},
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
		}, "DynamoDB takes at most 96 in one transaction"},
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
