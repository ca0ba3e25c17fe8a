package sfntimer_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

const machine = "arn:aws:states:us-east-1:123456789012:stateMachine:tierline-escalation"

// Ensure Start and Stop send Step Functions exactly the requests the
// state machine and its ARNs call for: the execution name of the ticket
// and clock, the input JSON with the deadline rounded up to a whole second
// in UTC, and the execution ARN derived from the state machine's.
func TestRequestShapes(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		wake  ticket.Wake
		exec  string
		input string
	}{
		{"whole_second", ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 1, At: time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)},
			"0c7g2m4x9k3t1p-1", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:15:00Z"}`},
		{"fraction_rounds_up", ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 2, At: time.Date(2026, 11, 23, 9, 15, 0, 400e6, time.UTC)},
			"0c7g2m4x9k3t1p-2", `{"ticket_id":"0c7g2m4x9k3t1p","clock":2,"at":"2026-11-23T09:15:01Z"}`},
		{"other_zone_becomes_utc", ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 12, At: time.Date(2026, 11, 23, 10, 15, 0, 0, berlin)},
			"0c7g2m4x9k3t1p-12", `{"ticket_id":"0c7g2m4x9k3t1p","clock":12,"at":"2026-11-23T09:15:00Z"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := awstest.NewStepFunctions(t)
			tm := sfntimer.New(f.Client(), f.StateMachine("tierline-escalation"))
			if err := tm.Start(ctx, tc.wake); err != nil {
				t.Fatal(err)
			}
			if err := tm.Stop(ctx, tc.wake); err != nil {
				t.Fatal(err)
			}
			want := []awstest.Request{
				{Operation: "StartExecution", Body: map[string]any{"stateMachineArn": machine, "name": tc.exec, "input": tc.input}},
				{Operation: "StopExecution", Body: map[string]any{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:tierline-escalation:" + tc.exec,
					"cause": "ticket 0c7g2m4x9k3t1p left escalation clock " + strconv.Itoa(tc.wake.Clock)}},
			}
			if got := f.Requests(); !reflect.DeepEqual(got, want) {
				t.Fatalf("requests =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// Ensure ExecutionARN turns a state machine ARN into its execution's ARN
// in every partition, and refuses what is not a state machine ARN.
func TestExecutionARN(t *testing.T) {
	tests := []struct {
		machine, want string
	}{
		{machine, "arn:aws:states:us-east-1:123456789012:execution:tierline-escalation:x-1"},
		{"arn:aws-cn:states:cn-north-1:123456789012:stateMachine:esc", "arn:aws-cn:states:cn-north-1:123456789012:execution:esc:x-1"},
		{"arn:aws:states:us-east-1:123456789012:execution:esc:x-1", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:esc", ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:", ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:esc:v1", ""},
		{"tierline-escalation", ""},
	}
	for _, tc := range tests {
		got, err := sfntimer.ExecutionARN(tc.machine, "x-1")
		if tc.want == "" {
			if ticket.ErrorCode(err) != ticket.Internal {
				t.Errorf("ExecutionARN(%q) = %q, %v; want an Internal error", tc.machine, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ExecutionARN(%q) = %q, %v; want %q", tc.machine, got, err, tc.want)
		}
	}
}

// Ensure ExecutionName is within Step Functions' rules (the stand-in
// checks them) for the longest ticket ID and clock there can be, and
// tells clocks apart.
func TestExecutionName(t *testing.T) {
	w := ticket.Wake{TicketID: "zzzzzzzzzzzzzz", Clock: 1<<31 - 1}
	if n := sfntimer.ExecutionName(w); len(n) > 80 || n != "zzzzzzzzzzzzzz-2147483647" {
		t.Fatalf("ExecutionName = %q", n)
	}
	if sfntimer.ExecutionName(ticket.Wake{TicketID: "a", Clock: 1}) == sfntimer.ExecutionName(ticket.Wake{TicketID: "a", Clock: 11}) {
		t.Fatal("clocks 1 and 11 share a name")
	}
	f := awstest.NewStepFunctions(t)
	if err := sfntimer.New(f.Client(), f.StateMachine("m")).Start(ctx, w); err != nil {
		t.Fatalf("Start with the longest name: %v", err)
	}
}

// Ensure InputOf and OutputOf round the deadline up to a whole second in
// UTC, and the JSON carries what the state machine reads ($.at, $.done).
func TestInputAndOutput(t *testing.T) {
	w := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 3, At: time.Date(2026, 11, 23, 9, 15, 59, 1, time.UTC)}
	in := sfntimer.InputOf(w)
	if want := time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC); !in.At.Equal(want) || in.Wake() != (ticket.Wake{TicketID: w.TicketID, Clock: 3, At: want}) {
		t.Fatalf("InputOf = %+v, want At %v", in, want)
	}
	b, _ := json.Marshal(sfntimer.OutputOf(w, true))
	if want := `{"ticket_id":"0c7g2m4x9k3t1p","clock":3,"at":"2026-11-23T09:16:00Z","done":true}`; string(b) != want {
		t.Fatalf("Output JSON = %s, want %s", b, want)
	}
}

// Ensure starting a timer whose execution already ended, or is running
// with another input, is harmless and starts nothing; and that failures
// of Step Functions reach callers with a ticket code: Unavailable for
// throttling and server errors (dispatch retries), Internal for a missing
// state machine.
func TestStartOutcomes(t *testing.T) {
	w := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 1, At: time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)}
	t.Run("closed_execution_is_not_restarted", func(t *testing.T) {
		f := awstest.NewStepFunctions(t)
		tm := sfntimer.New(f.Client(), f.StateMachine("m"))
		if err := tm.Start(ctx, w); err != nil {
			t.Fatal(err)
		}
		f.Finish(f.Executions()[0].ARN)
		if err := tm.Start(ctx, w); err != nil {
			t.Fatalf("Start of a finished timer: %v", err)
		}
		if ex := f.Executions(); len(ex) != 1 || ex[0].Status != "SUCCEEDED" {
			t.Fatalf("executions = %+v, want the one finished", ex)
		}
		if err := tm.Stop(ctx, w); err != nil {
			t.Fatalf("Stop of a finished timer: %v", err)
		}
	})
	t.Run("running_with_another_deadline", func(t *testing.T) {
		f := awstest.NewStepFunctions(t)
		tm := sfntimer.New(f.Client(), f.StateMachine("m"))
		later := w
		later.At = w.At.Add(time.Minute)
		if err := tm.Start(ctx, w, later); err != nil {
			t.Fatalf("Start: %v", err)
		}
		if ex := f.Executions(); len(ex) != 1 {
			t.Fatalf("executions = %+v, want one", ex)
		}
	})
	tests := []struct {
		name   string
		status int
		typ    string
		code   ticket.Code
	}{
		{"throttled", http.StatusBadRequest, "ThrottlingException", ticket.Unavailable},
		{"too_many_executions", http.StatusBadRequest, "ExecutionLimitExceeded", ticket.Unavailable},
		{"server_error", http.StatusInternalServerError, "InternalServerError", ticket.Unavailable},
		{"missing_state_machine", http.StatusBadRequest, "StateMachineDoesNotExist", ticket.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := awstest.NewStepFunctions(t)
			tm := sfntimer.New(f.Client(), f.StateMachine("m"))
			f.Fail(tc.status, tc.typ)
			other := ticket.Wake{TicketID: "0c7g2m4x9k3t1q", Clock: 1, At: w.At}
			for name, err := range map[string]error{"Start": tm.Start(ctx, w, other), "Stop": tm.Stop(ctx, w, other)} {
				if ticket.ErrorCode(err) != tc.code {
					t.Errorf("%s error %v (code %q), want code %q", name, err, ticket.ErrorCode(err), tc.code)
				}
			}
		})
	}
}
