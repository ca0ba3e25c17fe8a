package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

// resolveAt resolves ticket id as soon as it reaches tier, as an engineer
// would, until the returned stop is called.
func resolveAt(t *testing.T, w *world, id string, tier ticket.Tier) (stop func()) {
	watch, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for watch.Err() == nil {
			if tk, err := w.Tickets.Get(ctx, id); err == nil && tk.Tier == tier {
				_, err := w.Tickets.Update(ctx, id, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "fixed", time.Now()) })
				if err != nil {
					t.Errorf("resolve %s: %v", id, err)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return func() { cancel(); <-done }
}

// Ensure the state machine, run by aws-local-stepfunctions with its task
// answered by the escalate handler on minidyn, does what ARCHITECTURE.md says,
// and report the state transitions (each state entered is one, which is
// what Step Functions Standard bills) of each case.
func TestStateMachineRuns(t *testing.T) {
	// Ensure an unacknowledged ticket climbs L1 → L2 → L3 on its
	// deadlines, and the execution ends at the first step after it is
	// resolved.
	t.Run("climbs_and_ends_when_resolved", func(t *testing.T) {
		t.Parallel()
		w := realTime(t)
		in := newTicket(t, w, "0c7g2m4x9k3ta1")
		defer resolveAt(t, w, in.TicketID, ticket.L3)()
		r := execute(t, w, &invoker{w: w}, in, false)
		if r.err != nil {
			t.Fatalf("execution failed: %v", r.err)
		}
		tk, err := w.Tickets.Get(ctx, in.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		var climbed []string
		for _, e := range tk.Timeline {
			if e.Kind == ticket.EventEscalated {
				climbed = append(climbed, e.From.String()+"→"+e.To.String())
			}
		}
		if strings.Join(climbed, " ") != "L1→L2 L2→L3" || tk.Status != ticket.StatusResolved {
			t.Fatalf("escalations %v, status %s; want L1→L2 L2→L3 and resolved", climbed, tk.Status)
		}
		want := []string{"WaitForDeadline", "Escalate", "IsDone", "WaitForDeadline", "Escalate", "IsDone",
			"WaitForDeadline", "Escalate", "IsDone", "Done"}
		if got := r.entered(); !slices.Equal(got, want) {
			t.Fatalf("states entered %v, want %v", got, want)
		}
		t.Logf("REPORT state transitions: L1→L2→L3 then resolved: %d in all; 3 per escalation step (WaitForDeadline, Escalate, IsDone); 4 to end after a resolution (WaitForDeadline, Escalate, IsDone, Done)", len(r.entered()))
	})

	// Ensure a ticket resolved before its first deadline ends at that
	// deadline's step, when nothing stopped its execution.
	t.Run("resolved_before_first_deadline", func(t *testing.T) {
		t.Parallel()
		w := realTime(t)
		in := newTicket(t, w, "0c7g2m4x9k3ta2")
		resolve(t, w, in.TicketID)
		r := execute(t, w, &invoker{w: w}, in, false)
		want := []string{"WaitForDeadline", "Escalate", "IsDone", "Done"}
		if got := r.entered(); r.err != nil || !slices.Equal(got, want) {
			t.Fatalf("states entered %v (error %v), want %v", got, r.err, want)
		}
		t.Logf("REPORT state transitions: resolved before the first deadline, execution not stopped: %d", len(r.entered()))
	})

	// Ensure a resolved ticket's execution, stopped while it waits (what
	// dispatch's StopExecution does), costs one transition.
	t.Run("stopped_while_waiting", func(t *testing.T) {
		t.Parallel()
		w := realTime(t)
		in := newTicket(t, w, "0c7g2m4x9k3ta3")
		in.At = in.At.Add(time.Hour) // a deadline the test does not wait for
		iv := &invoker{w: w}
		r := execute(t, w, iv, in, true)
		aborted := slices.ContainsFunc(r.events, func(e map[string]any) bool { return e["type"] == "ExecutionAborted" })
		if got := r.entered(); !slices.Equal(got, []string{"WaitForDeadline"}) || !aborted || iv.calls != 0 {
			t.Fatalf("states entered %v, aborted %v, task calls %d; want only the wait, aborted, no task", got, aborted, iv.calls)
		}
		t.Logf("REPORT state transitions: resolved before the first deadline, execution stopped by dispatch: %d", len(r.entered()))
	})

	// Ensure a store outage during the step is retried (TransientError
	// matches the Retry), and the escalation still happens.
	t.Run("store_outage_is_retried", func(t *testing.T) {
		t.Parallel()
		w := realTime(t)
		in := newTicket(t, w, "0c7g2m4x9k3ta4")
		iv := &invoker{w: w, fail: 1}
		defer resolveAt(t, w, in.TicketID, ticket.L2)() // ends the execution once the ticket escalated
		r := execute(t, w, iv, in, false)
		retried := slices.ContainsFunc(r.events, func(e map[string]any) bool { return e["type"] == "StateRetried" })
		if r.err != nil || !retried || iv.calls < 3 {
			t.Fatalf("error %v, retried %v, task calls %d; want a retry and success", r.err, retried, iv.calls)
		}
	})

	// Ensure an input the handler refuses ends the execution in
	// EscalationFailed, the state its alarm watches, without retries.
	t.Run("bad_input_fails", func(t *testing.T) {
		t.Parallel()
		w := realTime(t)
		iv := &invoker{w: w}
		r := execute(t, w, iv, sfntimer.Input{TicketID: "nope", Clock: 1, At: time.Now().UTC()}, false)
		failed := slices.ContainsFunc(r.events, func(e map[string]any) bool {
			return e["type"] == "ExecutionFailed" && e["Error"] == "EscalationFailed"
		})
		if !failed || iv.calls != 1 {
			t.Fatalf("events %v, task calls %d; want one call and an execution failed with EscalationFailed", r.events, iv.calls)
		}
	})
}
