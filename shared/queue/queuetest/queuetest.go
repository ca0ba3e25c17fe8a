// Package queuetest is the contract every queue.Queue adapter passes: the
// local queue and SQS deliver, hide, redeliver and dead-letter alike.
package queuetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/ticket"
)

// Harness is a queue under test and what the contract must know of it.
type Harness struct {
	Queue       queue.Queue
	Visibility  time.Duration // the visibility timeout the queue was made with
	MaxReceives int           // receives before a message is dead-lettered
	// DeadLetters returns the notices in tier's dead-letter queue.
	DeadLetters func(ctx context.Context, tier ticket.Tier) ([]ticket.Notice, error)
}

// Run runs the contract against queues made by open, which must return new,
// empty queues for each call.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"sent_notices_reach_their_tier_once_deleted", testSendReceiveDelete},
		{"receive_wakes_on_send", testReceiveWaits},
		{"receive_returns_empty_after_waiting", testReceiveEmpty},
		{"undeleted_message_returns_after_visibility_timeout", testVisibility},
		{"message_dead_letters_after_max_receives_and_comes_back_when_sent_again", testDeadLetter},
		{"batches_over_ten_arrive_whole", testLargeBatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var ctx = context.Background()

func notice(i int, tier ticket.Tier) ticket.Notice {
	return ticket.Notice{TicketID: fmt.Sprintf("0c7g2m4x9k%04d", i), Tier: tier, Seq: 1 + i%3}
}

// receiveN receives from tier until n distinct messages came or timeout
// passed. Each Receive waits less than the visibility timeout, so that no
// message it took comes back while it is still collecting.
func receiveN(t *testing.T, h Harness, tier ticket.Tier, n int, timeout time.Duration) []queue.Delivery {
	t.Helper()
	seen := map[string]bool{}
	var all []queue.Delivery
	for end := time.Now().Add(timeout); len(all) < n && time.Now().Before(end); {
		got, err := h.Queue.Receive(ctx, tier, 10, min(h.Visibility/2, time.Until(end)))
		if err != nil {
			t.Fatalf("Receive(%s): %v", tier, err)
		}
		if len(got) > 10 {
			t.Fatalf("Receive(%s, 10) gave %d messages", tier, len(got))
		}
		for _, d := range got {
			if seen[d.Notice.Key()] {
				t.Fatalf("Receive(%s) gave %v twice within the visibility timeout", tier, d.Notice)
			}
			seen[d.Notice.Key()] = true
			all = append(all, d)
		}
	}
	return all
}

// none checks that tier has nothing to deliver now.
func none(t *testing.T, h Harness, tier ticket.Tier, why string) {
	t.Helper()
	got, err := h.Queue.Receive(ctx, tier, 10, 0)
	if err != nil {
		t.Fatalf("Receive(%s): %v", tier, err)
	}
	if len(got) != 0 {
		t.Fatalf("%s: Receive(%s) gave %v, want nothing", why, tier, notices(got))
	}
}

func notices(ds []queue.Delivery) []ticket.Notice {
	out := make([]ticket.Notice, len(ds))
	for i, d := range ds {
		out[i] = d.Notice
	}
	slices.SortFunc(out, func(a, b ticket.Notice) int { return cmpKey(a.Key(), b.Key()) })
	return out
}

func cmpKey(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testSendReceiveDelete(t *testing.T, h Harness) {
	l1 := []ticket.Notice{notice(1, ticket.L1), notice(2, ticket.L1), notice(3, ticket.L1)}
	l2 := notice(4, ticket.L2)
	if err := h.Queue.Send(ctx, append(slices.Clone(l1), l2)...); err != nil {
		t.Fatal(err)
	}
	got := receiveN(t, h, ticket.L1, 3, 5*time.Second)
	if !slices.Equal(notices(got), l1) {
		t.Fatalf("L1 received %v, want %v", notices(got), l1)
	}
	for _, d := range got {
		if d.Attempt != 1 || d.Receipt == "" {
			t.Fatalf("first delivery %+v: want Attempt 1 and a receipt", d)
		}
		if err := h.Queue.Delete(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if got := receiveN(t, h, ticket.L2, 1, 5*time.Second); len(got) != 1 || got[0].Notice != l2 {
		t.Fatalf("L2 received %v, want [%v]", notices(got), l2)
	} else if err := h.Queue.Delete(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(h.Visibility + h.Visibility/2)
	none(t, h, ticket.L1, "after deleting every message")
	none(t, h, ticket.L2, "after deleting every message")
}

func testReceiveWaits(t *testing.T, h Harness) {
	n := notice(5, ticket.L3)
	go func() {
		time.Sleep(200 * time.Millisecond)
		if err := h.Queue.Send(ctx, n); err != nil {
			t.Error(err)
		}
	}()
	began := time.Now()
	got, err := h.Queue.Receive(ctx, ticket.L3, 10, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Notice != n {
		t.Fatalf("Receive = %v, want [%v]", notices(got), n)
	}
	if waited := time.Since(began); waited > 4*time.Second {
		t.Fatalf("Receive took %v for a message sent after 200ms", waited)
	}
}

func testReceiveEmpty(t *testing.T, h Harness) {
	got, err := h.Queue.Receive(ctx, ticket.L2, 10, time.Second)
	if err != nil || len(got) != 0 {
		t.Fatalf("Receive on an empty queue = %v, %v; want nothing", notices(got), err)
	}
}

func testVisibility(t *testing.T, h Harness) {
	n := notice(6, ticket.L1)
	if err := h.Queue.Send(ctx, n); err != nil {
		t.Fatal(err)
	}
	if first := receiveN(t, h, ticket.L1, 1, 5*time.Second); len(first) != 1 {
		t.Fatalf("first receive got %d messages, want 1", len(first))
	}
	none(t, h, ticket.L1, "right after a receive")
	time.Sleep(h.Visibility + h.Visibility/2)
	again := receiveN(t, h, ticket.L1, 1, 5*time.Second)
	if len(again) != 1 || again[0].Notice != n || again[0].Attempt != 2 {
		t.Fatalf("after the visibility timeout got %+v, want %v at Attempt 2", again, n)
	}
}

func testDeadLetter(t *testing.T, h Harness) {
	n := notice(7, ticket.L2)
	if err := h.Queue.Send(ctx, n); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= h.MaxReceives; i++ {
		got := receiveN(t, h, ticket.L2, 1, 5*time.Second)
		if len(got) != 1 || got[0].Attempt != i {
			t.Fatalf("receive %d got %+v, want the message at Attempt %d", i, got, i)
		}
		time.Sleep(h.Visibility + h.Visibility/2)
	}
	if got := receiveN(t, h, ticket.L2, 1, 2*h.Visibility); len(got) != 0 {
		t.Fatalf("receive %d got %+v, want the message gone to the dead letters", h.MaxReceives+1, got)
	}
	dead, err := h.DeadLetters(ctx, ticket.L2)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0] != n {
		t.Fatalf("dead letters = %v, want [%v]", dead, n)
	}
	// A notice sent again after it went to the dead letters (the sweep
	// resending a lost hand-off) is delivered afresh.
	if err := h.Queue.Send(ctx, n); err != nil {
		t.Fatal(err)
	}
	if got := receiveN(t, h, ticket.L2, 1, 5*time.Second); len(got) != 1 || got[0].Notice != n || got[0].Attempt != 1 {
		t.Fatalf("after sending it again got %+v, want %v at Attempt 1", got, n)
	}
}

func testLargeBatch(t *testing.T, h Harness) {
	var want []ticket.Notice
	for i := range 25 {
		want = append(want, notice(100+i, ticket.L3))
	}
	if err := h.Queue.Send(ctx, want...); err != nil {
		t.Fatal(err)
	}
	got := notices(receiveN(t, h, ticket.L3, len(want), 10*time.Second))
	slices.SortFunc(want, func(a, b ticket.Notice) int { return cmpKey(a.Key(), b.Key()) })
	if !slices.Equal(got, want) {
		t.Fatalf("received %d notices %v, want the 25 sent", len(got), got)
	}
}
