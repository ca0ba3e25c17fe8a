package storetest

import (
	"crypto/rand"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// testSizeBounds drives the largest ticket accepted input can make (every
// field at its limit, the timeline full) through the store, which must
// keep it whole; and tickets just over a limit, which every store refuses
// the same way (TooLarge, the same message) and does not keep. The local
// store and DynamoDB so accept and refuse the same tickets.
func testSizeBounds(t *testing.T, s store.Store) {
	want := largest(t, "prometheus", "big", start)
	if _, err := s.Upsert(ctx, "prometheus", want.DedupKey, func(*ticket.Ticket) (*ticket.Ticket, error) { return want, nil }); err != nil {
		t.Fatalf("the largest ticket was refused: %v", err)
	}
	want.Version = 1
	for n := len(want.Timeline); n < ticket.MaxTimeline; {
		step := func(tk *ticket.Ticket) error { return fillNotes(tk, 90) }
		if _, err := s.Update(ctx, want.ID, step); err != nil {
			t.Fatalf("notes %d on: %v", n, err)
		}
		if err := step(want); err != nil {
			t.Fatal(err)
		}
		want.Version++
		n = len(want.Timeline)
	}
	_, err := s.Update(ctx, want.ID, func(tk *ticket.Ticket) error { return tk.AddNote("bob", "one more", start) })
	wantCode(t, err, ticket.Conflict)
	resolve := func(tk *ticket.Ticket) error { return tk.Resolve("bob", strings.Repeat("r", ticket.MaxNote), start) }
	if _, err := s.Update(ctx, want.ID, resolve); err != nil {
		t.Fatalf("resolving the full ticket: %v", err)
	}
	if err := resolve(want); err != nil {
		t.Fatal(err)
	}
	want.Version++
	if got := mustGet(t, s, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("the largest ticket did not read back whole: %d events, version %d, %d bytes; want %d, %d, %d",
			len(got.Timeline), got.Version, got.Size(), len(want.Timeline), want.Version, want.Size())
	}

	over := largest(t, "prometheus", "over", start)
	over.Description += strings.Repeat("d", ticket.MaxHead-over.Size()+1)
	_, err = s.Upsert(ctx, "prometheus", over.DedupKey, func(*ticket.Ticket) (*ticket.Ticket, error) { return over, nil })
	wantRefusal(t, err, fmt.Sprintf("would keep %d bytes, over the limit of %d", ticket.MaxHead+1, ticket.MaxHead))
	if _, err := s.Get(ctx, over.ID); ticket.ErrorCode(err) != ticket.NotFound {
		t.Fatalf("the refused ticket was kept: %v", err)
	}

	open := ingest(t, s, "prometheus", "disk", start)
	_, err = s.Update(ctx, open.ID, func(tk *ticket.Ticket) error {
		tk.Description = strings.Repeat("d", ticket.MaxHead+1)
		return nil
	})
	wantRefusal(t, err, "over the limit of")
	_, err = s.Update(ctx, open.ID, func(tk *ticket.Ticket) error {
		return tk.AddNote(strings.Repeat("a", ticket.MaxEvent), "hi", start) // an actor no api key or integration has
	})
	wantRefusal(t, err, fmt.Sprintf("its noted event would keep %d bytes, over the limit of %d", ticket.MaxEvent+len("noted")+2, ticket.MaxEvent))
	if got := mustGet(t, s, open.ID); got.Version != open.Version || len(got.Timeline) != len(open.Timeline) || got.Description != "" {
		t.Fatalf("after the refused writes the ticket is at version %d with %d events; want it untouched", got.Version, len(got.Timeline))
	}
}

// largest returns a new ticket with every field at its limit, made the way
// accepted input makes it: from a normalised signal whose text is over its
// limits, with as many deliveries as a ticket remembers, assigned to the
// longest name.
func largest(t testing.TB, integration, key string, now time.Time) *ticket.Ticket {
	t.Helper()
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: key + strings.Repeat("k", ticket.MaxDedupKey-len(key)),
		Title: strings.Repeat("t", ticket.MaxTitle+1), Description: strings.Repeat("é", ticket.MaxDescription),
		Source: strings.Repeat("s", ticket.MaxSource+1), Category: strings.Repeat("c", ticket.MaxCategory),
		Details:   map[string]any{"dump": strings.Repeat("<x>", ticket.MaxDetails), "host": "db-1", "n": 3.0},
		Requester: ticket.Person{Name: strings.Repeat("r", ticket.MaxRequester), Email: strings.Repeat("e", ticket.MaxEmail)},
		Labels:    map[string]string{}}
	for i := 0; i < ticket.MaxLabels; i++ {
		s.Labels[fmt.Sprintf("label-%03d", i)] = strings.Repeat("v", ticket.MaxLabelBytes/ticket.MaxLabels-len("label-000"))
	}
	for i := range ticket.MaxLinks {
		prefix := fmt.Sprintf("https://dash.example/%04d/", i)
		s.Links = append(s.Links, ticket.Link{Href: prefix + strings.Repeat("u", ticket.MaxLinkURL-len(prefix)),
			Text: strings.Repeat("l", ticket.MaxLinkText+1)})
	}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	id, err := ticket.NewID(now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := ticket.New(id, integration, s, place, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ticket.MaxDeliveries {
		d := fmt.Sprintf("%04d", i)
		tk.RememberDelivery(ticket.Signal{DeliveryID: d + strings.Repeat("d", ticket.MaxDedupKey-len(d))}, now)
	}
	if err := tk.Assign("lead", strings.Repeat("a", ticket.MaxName), now); err != nil {
		t.Fatal(err)
	}
	return tk
}

// fillNotes adds up to n notes, as long as the timeline takes them: notes
// of MaxNote bytes while the notes' bound has room for them, then short
// ones up to MaxTimeline events.
func fillNotes(tk *ticket.Ticket, n int) error {
	held := 0
	for _, e := range tk.Timeline {
		held += len(e.Note)
	}
	for range n {
		if len(tk.Timeline) >= ticket.MaxTimeline {
			return nil
		}
		note := fmt.Sprintf("note %04d ", len(tk.Timeline))
		if held+ticket.MaxNote <= ticket.MaxTimelineNotes-ticket.MaxTimeline*len(note) {
			note += strings.Repeat("x", ticket.MaxNote-len(note))
		}
		if err := tk.AddNote("bob", note, start); err != nil {
			return err
		}
		held += len(note)
	}
	return nil
}

// wantRefusal checks that err is the TooLarge refusal every store gives,
// with msg in its message.
func wantRefusal(t testing.TB, err error, msg string) {
	t.Helper()
	wantCode(t, err, ticket.TooLarge)
	if !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q, want it to say %q", err, msg)
	}
}
