package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

var ctx = context.Background()

// world is the escalate function's stand-ins (the tickets table on
// minidyn, the schedule group on moto_server) and the handler on them,
// under a clock the test sets.
type world struct {
	*lambdatest.World
	timers *lambdatest.Timers
	now    time.Time
	e      *escalator
	f      lambdatest.Fixture
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{World: lambdatest.NewWorld(t, "EscalateFunction")}
	w.timers = w.NewTimers(t)
	cfg := lambdatest.Config(t)
	w.f = lambdatest.Fixture{Store: w.Tickets, Config: cfg}
	w.e = &escalator{
		desk: &desk.Service{Store: w.Tickets, Config: cfg, Now: func() time.Time { return w.now },
			Log: slog.New(slog.NewJSONHandler(io.Discard, nil))},
		schedules: func(function string) timer.Timer {
			if function != lambdatest.EscalateARN {
				t.Errorf("next schedule targets %s, want the function invoked, %s", function, lambdatest.EscalateARN)
			}
			return w.timers.Timer
		},
	}
	return w
}

// invoke runs the handler as Lambda does when Scheduler invokes it: the
// schedule's input as JSON, the function's ARN in the context.
func (w *world) invoke(in []byte) error {
	c := lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{InvokedFunctionArn: lambdatest.EscalateARN})
	_, err := lambda.NewHandler(w.e.handle).Invoke(c, in)
	return err
}

// fire does what Scheduler does with the ticket's one pending schedule:
// at its minute, invokes the function with its input and deletes it. It
// returns the input fired.
func (w *world) fire(t *testing.T, id string) schedtimer.Input {
	t.Helper()
	got := w.timers.Pending(t, id+"-")
	if len(got) != 1 {
		t.Fatalf("ticket %s has %d schedules pending (%+v), want one", id, len(got), got)
	}
	in := got[0]
	w.now = schedtimer.FireAt(in.Wake()).Add(200 * time.Millisecond)
	raw, _ := json.Marshal(in)
	if err := w.invoke(raw); err != nil {
		t.Fatalf("step of %+v: %v", in, err)
	}
	if _, err := w.timers.Client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(schedtimer.Name(in.Wake())), GroupName: aws.String(w.timers.Group)}); err != nil {
		t.Fatalf("delete the fired schedule: %v", err)
	}
	return in
}

// Ensure a ticket nobody acknowledges climbs the whole policy on the
// schedules alone: each fired schedule runs the step and creates the next
// one (L1 → L2 → L3, L3's repeat, then exhausted), each at its deadline's
// minute and named apart from the one that fired, and the last step
// leaves nothing pending. Report what each step costs.
func TestTimerClimbs(t *testing.T) {
	w := newWorld(t)
	tk := w.f.CreateA(t)
	if err := w.timers.Timer.Start(ctx, ticket.Wake{TicketID: tk.ID, Clock: tk.Clock, At: tk.NextDeadline()}); err != nil { // as dispatch does
		t.Fatal(err)
	}
	want := []struct {
		tier    ticket.Tier
		repeats int
		pending bool
	}{{ticket.L2, 0, true}, {ticket.L3, 0, true}, {ticket.L3, 1, true}, {ticket.L3, 1, false}}
	for i, step := range want {
		w.Counter.Reset()
		w.Capacity.Take()
		fired := w.fire(t, tk.ID)
		counts := w.Counter.Take()
		t.Logf("REPORT escalate step %d (schedule %s): %s (%s)", i+1, schedtimer.Name(fired.Wake()), awstest.Format(counts), w.Capacity.String())
		got, err := w.Tickets.Get(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Tier != step.tier || got.Repeats != step.repeats {
			t.Fatalf("after step %d the ticket is at %s with %d repeats, want %s with %d", i+1, got.Tier, got.Repeats, step.tier, step.repeats)
		}
		next := w.timers.Pending(t, tk.ID+"-")
		if !step.pending {
			if len(next) != 0 {
				t.Fatalf("after the last step %d schedules are pending (%+v), want none", len(next), next)
			}
			continue
		}
		if len(next) != 1 || next[0].Clock != tk.Clock || schedtimer.Name(next[0].Wake()) == schedtimer.Name(fired.Wake()) ||
			!schedtimer.FireAt(next[0].Wake()).After(w.now) || next[0].At.Before(got.NextDeadline()) {
			t.Fatalf("after step %d pending %+v, want one schedule of clock %d at or after the deadline %v, firing after now (%v)",
				i+1, next, tk.Clock, got.NextDeadline(), w.now)
		}
	}
}

// Ensure each run of the step does what its moment calls for, once:
// before the deadline nothing but the schedule again, a minute on; after
// it an escalation and the next tier's schedule; the same step again
// (Lambda retrying it) nothing more; and a stale clock, a resolved or a
// missing ticket end the timer with no schedule.
func TestReplayEvents(t *testing.T) {
	raw := lambdatest.Event(t, "escalate-input.json")
	in := lambdatest.Decode[schedtimer.Input](t, raw)
	if in.TicketID != lambdatest.TicketA || in.Clock != 1 {
		t.Fatalf("sample input %+v, want TicketA's first clock", in)
	}
	w := newWorld(t)
	w.f.CreateA(t)
	deadline := lambdatest.At.Add(time.Second)
	input := func(in schedtimer.Input) []byte { b, _ := json.Marshal(in); return b }
	steps := []struct {
		name     string
		now      time.Time
		before   func()
		in       []byte
		pending  int // schedules of TicketA after the step
		tier     ticket.Tier
		writes   bool
		resolved bool
	}{
		{name: "early", now: deadline.Add(-500 * time.Millisecond), in: raw, pending: 1, tier: ticket.L1},
		{name: "escalate", now: deadline, in: raw, writes: true, pending: 1, tier: ticket.L2},
		{name: "duplicate", now: deadline.Add(100 * time.Millisecond), in: raw, pending: 1, tier: ticket.L2},
		{name: "stale_clock", now: deadline.Add(time.Hour), in: input(schedtimer.Input{TicketID: in.TicketID, Clock: 7, At: deadline}), pending: 1, tier: ticket.L2},
		{name: "resolved", now: deadline.Add(time.Hour), before: func() { w.f.ResolveA(t) }, in: raw, pending: 1, tier: ticket.L2, resolved: true},
		{name: "gone", now: deadline, in: input(schedtimer.Input{TicketID: "0c7g2m4x9k3t9z", Clock: 1, At: deadline}), pending: 1, tier: ticket.L2, resolved: true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.before != nil {
				s.before()
			}
			w.now = s.now
			w.Counter.Reset()
			w.Capacity.Take()
			if err := w.invoke(s.in); err != nil {
				t.Fatal(err)
			}
			counts := w.Counter.Take()
			if wrote := counts["DynamoDB.PutItem"]+counts["DynamoDB.TransactWriteItems"] > 0; wrote != s.writes {
				t.Errorf("wrote %v (%v), want %v", wrote, counts, s.writes)
			}
			t.Logf("REPORT escalate step %s: %s (%s)", s.name, awstest.Format(counts), w.Capacity.String())
			if got := w.timers.Pending(t, lambdatest.TicketA+"-"); len(got) != s.pending {
				t.Fatalf("schedules pending %+v, want %d", got, s.pending)
			}
			tk, err := w.Tickets.Get(ctx, lambdatest.TicketA)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Tier != s.tier || (tk.Status == ticket.StatusResolved) != s.resolved {
				t.Fatalf("ticket at %s %s, want %s resolved=%v", tk.Tier, tk.Status, s.tier, s.resolved)
			}
		})
	}
	// The early step and the escalation both asked for the minute after
	// the sample's (its deadline and L2's fire in the same minute): one
	// schedule, a minute after the one that fired.
	got := w.timers.Pending(t, lambdatest.TicketA+"-")
	if want := schedtimer.FireAt(in.Wake()).Add(time.Minute); !got[0].At.Equal(want) {
		t.Fatalf("next schedule at %v, want %v", got[0].At, want)
	}
}

// Ensure each failure is returned as the error type Lambda records for it
// (the timers' dead letters keep it), and a failed step moves nothing.
func TestErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		failDB    bool
		failTimer bool
		want      error
	}{
		// Ensure an input naming no ticket is an InputError.
		{"bad_ticket_id", `{"ticket_id":"nope","clock":1,"at":"2026-11-23T09:00:01Z"}`, false, false, &InputError{}},
		// Ensure an input without a clock is an InputError.
		{"no_clock", `{"ticket_id":"0c7g2m4x9k3t1p","at":"2026-11-23T09:00:01Z"}`, false, false, &InputError{}},
		// Ensure a store that fails is a TransientError, which Lambda retries.
		{"store_down", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:00:01Z"}`, true, false, &TransientError{}},
		// Ensure a Scheduler that fails is a TransientError too.
		{"scheduler_down", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:00:01Z"}`, false, true, &TransientError{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.f.CreateA(t)
			w.now = lambdatest.At.Add(-time.Minute) // nothing due: the step only schedules
			if tc.failDB {
				w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
				w.now = lambdatest.At.Add(time.Minute)
			}
			if tc.failTimer {
				w.timers.Outage.Fail(http.StatusInternalServerError, "InternalServerException")
			}
			err := w.invoke([]byte(tc.in))
			w.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
			w.timers.Outage.Fail(0, "")
			if err == nil || reflect.TypeOf(err) != reflect.TypeOf(tc.want) {
				t.Fatalf("error %T %v, want a %T", err, err, tc.want)
			}
			tk, _ := w.Tickets.Get(ctx, lambdatest.TicketA)
			if tk.Tier != ticket.L1 {
				t.Fatalf("ticket moved to %s by a failed step", tk.Tier)
			}
		})
	}
}

// Ensure a step invoked without a function ARN (not by Lambda) refuses
// before it acts, rather than escalate with no next schedule.
func TestNeedsTheInvokedARN(t *testing.T) {
	w := newWorld(t)
	w.f.CreateA(t)
	w.now = lambdatest.At.Add(time.Minute)
	_, err := lambda.NewHandler(w.e.handle).Invoke(ctx, lambdatest.Event(t, "escalate-input.json"))
	if err == nil {
		t.Fatal("a step with no function ARN ran")
	}
	if tk, _ := w.Tickets.Get(ctx, lambdatest.TicketA); tk.Tier != ticket.L1 {
		t.Fatalf("ticket moved to %s", tk.Tier)
	}
}

// Ensure classify sorts store errors by their code.
func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{ticket.Errorf(ticket.Unavailable, "throttled"), &TransientError{}},
		{ticket.Errorf(ticket.Conflict, "lost a race"), &TransientError{}},
		{context.DeadlineExceeded, &TransientError{}},
		{ticket.Errorf(ticket.Invalid, "bad"), &InputError{}},
		{ticket.Errorf(ticket.Internal, "corrupt item"), &InternalError{}},
		{errors.New("anything else"), &InternalError{}},
	}
	for _, tc := range tests {
		if got := classify(tc.err); reflect.TypeOf(got) != reflect.TypeOf(tc.want) || !errors.Is(got, tc.err) {
			t.Errorf("classify(%v) = %T, want %T wrapping it", tc.err, got, tc.want)
		}
	}
}

// Ensure the escalate function's policies allow the calls of an
// escalation step and its next schedule, and nothing else.
func TestPoliciesAllowCalls(t *testing.T) {
	w := newWorld(t)
	w.f.CreateA(t)
	w.Calls.Reset()
	w.now = lambdatest.At.Add(time.Second)
	if err := w.invoke(lambdatest.Event(t, "escalate-input.json")); err != nil {
		t.Fatal(err)
	}
	w.ReadSecrets(t) // the cold start's reads of the config's secrets
	lambdatest.CheckPolicies(t, "EscalateFunction", w.Calls.List())
}
