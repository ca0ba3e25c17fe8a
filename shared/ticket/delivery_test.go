package ticket_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

func TestRedelivered(t *testing.T) {
	t.Parallel()
	id := func(s string) ticket.Signal { return ticket.Signal{DeliveryID: s} }
	tests := []struct {
		name string
		seen []ticket.Signal // remembered at now, a second apart
		sig  ticket.Signal
		want bool
	}{
		// Ensure a signal without a delivery id is never a redelivery.
		{name: "no_id", seen: []ticket.Signal{id("")}, sig: id(""), want: false},
		// Ensure a sender's id seen before is a redelivery.
		{name: "id_seen_last", seen: []ticket.Signal{id("a")}, sig: id("a"), want: true},
		// Ensure a sender's id is a redelivery even after later deliveries (SNS retries out of order).
		{name: "id_seen_earlier", seen: []ticket.Signal{id("a"), id("b"), id("c")}, sig: id("a"), want: true},
		// Ensure a new id is not.
		{name: "id_new", seen: []ticket.Signal{id("a")}, sig: id("b"), want: false},
		// Ensure a signal just like the last, without an id, is news: a monitor firing again.
		{name: "same_signal_no_id", seen: []ticket.Signal{{DedupKey: "k", Title: "t"}}, sig: ticket.Signal{DedupKey: "k", Title: "t"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustNew(t, ticket.L1)
			at := now
			for _, s := range tt.seen {
				at = at.Add(time.Second)
				tk.RememberDelivery(s, at)
			}
			if got := tk.Redelivered(tt.sig); got != tt.want {
				t.Errorf("Redelivered(%+v)=%v, want %v (deliveries %+v)", tt.sig, got, tt.want, tk.Deliveries)
			}
		})
	}
}

// Ensure a ticket remembers only its last MaxDeliveries deliveries, oldest
// dropped first, so that a long-lived alert's record stays small.
func TestRememberDelivery_bounded(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L1)
	tk.RememberDelivery(ticket.Signal{}, now)
	if len(tk.Deliveries) != 0 {
		t.Fatalf("Deliveries=%+v after a signal without id, want none", tk.Deliveries)
	}
	n := ticket.MaxDeliveries + 5
	for i := range n {
		tk.RememberDelivery(ticket.Signal{DeliveryID: fmt.Sprint(i)}, now.Add(time.Duration(i)*time.Second))
	}
	if len(tk.Deliveries) != ticket.MaxDeliveries {
		t.Fatalf("len(Deliveries)=%d, want %d", len(tk.Deliveries), ticket.MaxDeliveries)
	}
	if first := tk.Deliveries[0]; first.ID != fmt.Sprint(n-ticket.MaxDeliveries) {
		t.Errorf("oldest kept=%q, want %q", first.ID, fmt.Sprint(n-ticket.MaxDeliveries))
	}
	if tk.Redelivered(ticket.Signal{DeliveryID: "0"}) {
		t.Error("a forgotten delivery still counts as seen")
	}
	if !tk.Redelivered(ticket.Signal{DeliveryID: fmt.Sprint(n - 1)}) {
		t.Error("the last delivery does not count as seen")
	}
}

func TestRevise(t *testing.T) {
	t.Parallel()
	later := now.Add(time.Minute)
	tests := []struct {
		name        string
		status      ticket.Status
		title, desc string
		want        bool
		wantTitle   string
		wantDesc    string
	}{
		// Ensure a new title replaces the old and leaves the description.
		{name: "title", status: ticket.StatusOpen, title: "Disk full on db1 and db2", want: true, wantTitle: "Disk full on db1 and db2"},
		// Ensure a new description replaces the old and leaves the title.
		{name: "description", status: ticket.StatusAcknowledged, desc: "97% used", want: true, wantTitle: "Disk full on db1", wantDesc: "97% used"},
		// Ensure the same text again changes nothing.
		{name: "same_title", status: ticket.StatusOpen, title: "Disk full on db1", want: false, wantTitle: "Disk full on db1"},
		// Ensure a resolved ticket keeps its text.
		{name: "resolved", status: ticket.StatusResolved, title: "new", want: false, wantTitle: "Disk full on db1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			events := len(tk.Timeline)
			updated := tk.UpdatedAt
			if got := tk.Revise(ticket.Signal{Title: tt.title, Description: tt.desc}, later); got != tt.want {
				t.Fatalf("Revise=%v, want %v", got, tt.want)
			}
			if tk.Title != tt.wantTitle || tk.Description != tt.wantDesc {
				t.Errorf("title=%q description=%q, want %q %q", tk.Title, tk.Description, tt.wantTitle, tt.wantDesc)
			}
			if len(tk.Timeline) != events {
				t.Errorf("timeline grew to %d events, want %d: revisions add none", len(tk.Timeline), events)
			}
			if tt.want != tk.UpdatedAt.Equal(later) || !tt.want && !tk.UpdatedAt.Equal(updated) {
				t.Errorf("UpdatedAt=%v, want it moved only on a change", tk.UpdatedAt)
			}
		})
	}
}
