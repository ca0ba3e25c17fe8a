package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

var ctx = context.Background()

// world is the escalate function's stand-in (the tickets table on
// minidyn) and the handler on it, under a clock the test sets.
type world struct {
	*lambdatest.World
	now time.Time
	e   *escalator
	f   lambdatest.Fixture
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{World: lambdatest.NewWorld(t, "EscalateFunction")}
	cfg := lambdatest.Config(t)
	w.f = lambdatest.Fixture{Store: w.Tickets, Config: cfg}
	w.e = &escalator{desk: &desk.Service{Store: w.Tickets, Config: cfg, Now: func() time.Time { return w.now },
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}}
	return w
}

// step runs the task as Step Functions does, with the input as JSON.
func (w *world) step(t *testing.T, in []byte) (sfntimer.Output, error) {
	t.Helper()
	out, err := lambda.NewHandler(w.e.handle).Invoke(ctx, in)
	if err != nil {
		return sfntimer.Output{}, err
	}
	var o sfntimer.Output
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatal(err)
	}
	return o, nil
}

func input(t *testing.T, in sfntimer.Input) []byte {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Ensure the sample input is what the state machine passes (sfntimer.Input,
// round trip) and that each step does what the deadline calls for, once:
// nothing before it, an escalation after it (with the next tier's
// deadline to wait for), nothing more when the same step runs again, and
// done once the ticket is resolved, moved to a newer clock, or gone.
func TestReplayEvents(t *testing.T) {
	raw := lambdatest.Event(t, "escalate-input.json")
	in := lambdatest.Decode[sfntimer.Input](t, raw)
	if in.TicketID != lambdatest.TicketA || in.Clock != 1 {
		t.Fatalf("sample input %+v, want TicketA's first clock", in)
	}
	w := newWorld(t)
	w.f.CreateA(t)
	deadline := lambdatest.At.Add(time.Second)
	steps := []struct {
		name     string
		now      time.Time
		before   func()
		in       []byte
		want     sfntimer.Output
		tier     ticket.Tier
		writes   bool
		resolved bool
	}{
		// Ensure a step before the deadline changes nothing and waits for it.
		{name: "early", now: deadline.Add(-500 * time.Millisecond), in: raw,
			want: sfntimer.Output{TicketID: in.TicketID, Clock: 1, At: deadline}, tier: ticket.L1},
		// Ensure the step after L1's deadline escalates to L2 and waits for L2's.
		{name: "escalate", now: deadline, in: raw, writes: true,
			want: sfntimer.Output{TicketID: in.TicketID, Clock: 1, At: deadline.Add(time.Second)}, tier: ticket.L2},
		// Ensure the same step again (a retried task) escalates nothing more.
		{name: "duplicate", now: deadline.Add(100 * time.Millisecond), in: raw,
			want: sfntimer.Output{TicketID: in.TicketID, Clock: 1, At: deadline.Add(time.Second)}, tier: ticket.L2},
		// Ensure a timer of a clock the ticket left is done.
		{name: "stale_clock", now: deadline.Add(time.Hour), in: input(t, sfntimer.Input{TicketID: in.TicketID, Clock: 7, At: deadline}),
			want: sfntimer.Output{TicketID: in.TicketID, Clock: 7, Done: true}, tier: ticket.L2},
		// Ensure a resolved ticket ends its timer.
		{name: "resolved", now: deadline.Add(time.Hour), before: func() { w.f.ResolveA(t) }, in: raw,
			want: sfntimer.Output{TicketID: in.TicketID, Clock: 1, Done: true}, tier: ticket.L2, resolved: true},
		// Ensure a ticket that is gone ends its timer.
		{name: "gone", now: deadline, in: input(t, sfntimer.Input{TicketID: "0c7g2m4x9k3t9z", Clock: 1, At: deadline}),
			want: sfntimer.Output{TicketID: "0c7g2m4x9k3t9z", Clock: 1, Done: true}, tier: ticket.L2, resolved: true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.before != nil {
				s.before()
			}
			w.now = s.now
			w.Counter.Reset()
			w.Capacity.Take()
			got, err := w.step(t, s.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.TicketID != s.want.TicketID || got.Clock != s.want.Clock || got.Done != s.want.Done || !got.At.Equal(s.want.At) {
				t.Fatalf("output %+v, want %+v", got, s.want)
			}
			counts := w.Counter.Take()
			if wrote := counts["DynamoDB.PutItem"]+counts["DynamoDB.TransactWriteItems"] > 0; wrote != s.writes {
				t.Errorf("wrote %v (%v), want %v", wrote, counts, s.writes)
			}
			t.Logf("REPORT escalate step %s: %s (%s)", s.name, awstest.Format(counts), w.Capacity.String())
			tk, err := w.Tickets.Get(ctx, lambdatest.TicketA)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Tier != s.tier || (tk.Status == ticket.StatusResolved) != s.resolved {
				t.Fatalf("ticket at %s %s, want %s resolved=%v", tk.Tier, tk.Status, s.tier, s.resolved)
			}
		})
	}
}

// Ensure each failure is returned as the error type the state machine
// expects: bad input fails the execution, a store that fails is retried.
func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		failDB bool
		want   error
	}{
		// Ensure an input naming no ticket is an InputError.
		{"bad_ticket_id", `{"ticket_id":"nope","clock":1,"at":"2026-11-23T09:00:01Z"}`, false, &InputError{}},
		// Ensure an input without a clock is an InputError.
		{"no_clock", `{"ticket_id":"0c7g2m4x9k3t1p","at":"2026-11-23T09:00:01Z"}`, false, &InputError{}},
		// Ensure a store that fails is a TransientError, which the state machine retries.
		{"store_down", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:00:01Z"}`, true, &TransientError{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.f.CreateA(t)
			w.now = lambdatest.At.Add(time.Minute)
			if tc.failDB {
				w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
			}
			_, err := w.step(t, []byte(tc.in))
			w.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
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
// escalation step, and nothing else.
func TestPoliciesAllowCalls(t *testing.T) {
	w := newWorld(t)
	w.f.CreateA(t)
	w.Calls.Reset()
	w.now = lambdatest.At.Add(time.Second)
	if _, err := w.step(t, lambdatest.Event(t, "escalate-input.json")); err != nil {
		t.Fatal(err)
	}
	w.ReadSecrets(t) // the cold start's reads of the config's secrets
	lambdatest.CheckPolicies(t, "EscalateFunction", w.Calls.List())
}
