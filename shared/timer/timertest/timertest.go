// Package timertest is the contract every timer.Timer adapter passes: the
// local timers and the Scheduler timers start, repeat and stop alike.
// What a running timer does when it fires is each adapter's own test.
package timertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
)

// Harness is a timer under test and a way to see its running timers.
type Harness struct {
	Timer timer.Timer
	// Pending returns the running timers of a ticket, oldest clock first.
	Pending func(ctx context.Context, ticketID string) ([]ticket.Wake, error)
}

// Run runs the contract against timers made by open, which must return a
// new timer with nothing running for each call.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"started_timer_is_pending", testStart},
		{"starting_twice_runs_one_timer", testStartTwice},
		{"new_clock_runs_beside_the_old_until_it_is_stopped", testNewClock},
		{"stopping_what_is_not_running_is_harmless", testStopUnknown},
		{"many_timers_in_one_call", testMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var (
	ctx = context.Background()
	due = time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)
)

func wake(i, clock int) ticket.Wake {
	return ticket.Wake{TicketID: fmt.Sprintf("0c7g2m4x9k%04d", i), Clock: clock, At: due.Add(time.Duration(i) * time.Second)}
}

func pending(t *testing.T, h Harness, id string) []ticket.Wake {
	t.Helper()
	got, err := h.Pending(ctx, id)
	if err != nil {
		t.Fatalf("Pending(%s): %v", id, err)
	}
	return got
}

func same(a, b []ticket.Wake) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].TicketID != b[i].TicketID || a[i].Clock != b[i].Clock || !a[i].At.Equal(b[i].At) {
			return false
		}
	}
	return true
}

func testStart(t *testing.T, h Harness) {
	w := wake(1, 1)
	if err := h.Timer.Start(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, h, w.TicketID); !same(got, []ticket.Wake{w}) {
		t.Fatalf("Pending = %v, want [%v]", got, w)
	}
	if err := h.Timer.Stop(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, h, w.TicketID); len(got) != 0 {
		t.Fatalf("Pending after Stop = %v, want none", got)
	}
}

func testStartTwice(t *testing.T, h Harness) {
	w := wake(2, 1)
	for range 2 {
		if err := h.Timer.Start(ctx, w); err != nil {
			t.Fatalf("Start of a running timer: %v", err)
		}
	}
	if got := pending(t, h, w.TicketID); !same(got, []ticket.Wake{w}) {
		t.Fatalf("Pending = %v, want one timer %v", got, w)
	}
}

func testNewClock(t *testing.T, h Harness) {
	old, next := wake(3, 1), wake(3, 2)
	next.At = old.At.Add(-time.Minute) // a manual escalation can bring the deadline forward
	if err := h.Timer.Start(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := h.Timer.Start(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, h, old.TicketID); !same(got, []ticket.Wake{old, next}) {
		t.Fatalf("Pending = %v, want both clocks", got)
	}
	if err := h.Timer.Stop(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, h, old.TicketID); !same(got, []ticket.Wake{next}) {
		t.Fatalf("Pending after stopping clock 1 = %v, want only clock 2", got)
	}
}

func testStopUnknown(t *testing.T, h Harness) {
	if err := h.Timer.Stop(ctx, wake(4, 7)); err != nil {
		t.Fatalf("Stop of a timer never started: %v", err)
	}
	w := wake(4, 1)
	if err := h.Timer.Start(ctx, w); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := h.Timer.Stop(ctx, w); err != nil {
			t.Fatalf("Stop of a stopped timer: %v", err)
		}
	}
}

func testMany(t *testing.T, h Harness) {
	var ws []ticket.Wake
	for i := range 30 {
		ws = append(ws, wake(100+i, 1))
	}
	if err := h.Timer.Start(ctx, ws...); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if got := pending(t, h, w.TicketID); !same(got, []ticket.Wake{w}) {
			t.Fatalf("Pending(%s) = %v, want [%v]", w.TicketID, got, w)
		}
	}
	if err := h.Timer.Stop(ctx, ws...); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if got := pending(t, h, w.TicketID); len(got) != 0 {
			t.Fatalf("Pending(%s) after Stop = %v", w.TicketID, got)
		}
	}
}
