// Package sfntimer is the escalation-timer port on AWS Step Functions: one
// Standard execution of the escalation state machine
// (infra/escalation.asl.json) per ticket and clock generation. The
// execution waits until Input.At (a Wait state with TimestampPath $.at),
// runs the escalate task, which answers an Output, and loops until
// Output.Done.
//
// Starting is idempotent by name: ExecutionName is the same for the same
// ticket and clock, so a redelivered stream record starts nothing twice.
// Stopping derives the execution's ARN from the state machine's and the
// name, so it needs no lookup.
package sfntimer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
)

var _ timer.Timer = (*Timer)(nil)

// Input is an execution's input and the escalate task's input: the wake
// the execution is waiting for.
type Input struct {
	TicketID string    `json:"ticket_id"`
	Clock    int       `json:"clock"`
	At       time.Time `json:"at"`
}

// Output is the escalate task's output: the wake to wait for next, or
// Done to end the execution. The state machine waits until $.at
// (TimestampPath), runs the task, and ends when $.done.
type Output struct {
	TicketID string    `json:"ticket_id"`
	Clock    int       `json:"clock"`
	At       time.Time `json:"at"`
	Done     bool      `json:"done"`
}

// InputOf returns the input of w's execution. At is in UTC and rounded up
// to a whole second: Step Functions waits until the second of a timestamp
// (it drops fractions), so a deadline of 09:15:00.4 waited for as 09:15:00
// would wake the step before the deadline, which would then find nothing
// due and loop on that second.
func InputOf(w ticket.Wake) Input {
	return Input{TicketID: w.TicketID, Clock: w.Clock, At: waitUntil(w.At)}
}

// OutputOf returns the escalate task's answer for the next wake w, or for
// done; At is rounded as in InputOf.
func OutputOf(w ticket.Wake, done bool) Output {
	return Output{TicketID: w.TicketID, Clock: w.Clock, At: waitUntil(w.At), Done: done}
}

// Wake returns the wake an input stands for.
func (in Input) Wake() ticket.Wake {
	return ticket.Wake{TicketID: in.TicketID, Clock: in.Clock, At: in.At}
}

func waitUntil(t time.Time) time.Time {
	t = t.UTC()
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}

// ExecutionName is the name of w's execution: "<ticket id>-<clock>", the
// same for the same ticket and clock generation, unique otherwise, and
// within Step Functions' rules for names (ticket IDs are lowercase letters
// and digits).
func ExecutionName(w ticket.Wake) string { return w.TicketID + "-" + strconv.Itoa(w.Clock) }

// ExecutionARN returns the ARN of the execution called name of a state
// machine: arn:aws:states:REGION:ACCOUNT:stateMachine:MACHINE becomes
// arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME.
func ExecutionARN(stateMachineARN, name string) (string, error) {
	parts := strings.Split(stateMachineARN, ":")
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" || parts[6] == "" {
		return "", ticket.Errorf(ticket.Internal, "sfntimer: %q is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)", stateMachineARN)
	}
	parts[5] = "execution"
	return strings.Join(parts, ":") + ":" + name, nil
}

// Timer is a timer.Timer on a Step Functions state machine.
type Timer struct {
	client  *sfn.Client
	machine string
}

// New returns a Timer that starts executions of the state machine
// stateMachineARN.
func New(client *sfn.Client, stateMachineARN string) *Timer {
	return &Timer{client: client, machine: stateMachineARN}
}

// Start starts an execution for each wake. An execution of the same name
// that is running with the same input is success (Step Functions answers
// with it); ExecutionAlreadyExists means it ran for this clock already, or
// is running with another deadline, and is harmless too: a clock's timer
// follows the ticket's deadlines by itself. It tries every wake and
// returns the errors of those that failed.
func (t *Timer) Start(ctx context.Context, wakes ...ticket.Wake) error {
	var errs []error
	for _, w := range wakes {
		in, err := json.Marshal(InputOf(w))
		if err != nil {
			return ticket.Wrap(ticket.Internal, err, "sfntimer: encode input")
		}
		_, err = t.client.StartExecution(ctx, &sfn.StartExecutionInput{
			StateMachineArn: aws.String(t.machine),
			Name:            aws.String(ExecutionName(w)),
			Input:           aws.String(string(in)),
		})
		var exists *types.ExecutionAlreadyExists
		if err != nil && !errors.As(err, &exists) {
			errs = append(errs, classify(err, "start timer "+w.Key()))
		}
	}
	return joined(errs)
}

// Stop stops the execution of each wake. One that does not exist, or has
// already ended, is fine.
func (t *Timer) Stop(ctx context.Context, wakes ...ticket.Wake) error {
	var errs []error
	for _, w := range wakes {
		arn, err := ExecutionARN(t.machine, ExecutionName(w))
		if err != nil {
			return err
		}
		_, err = t.client.StopExecution(ctx, &sfn.StopExecutionInput{
			ExecutionArn: aws.String(arn),
			Cause:        aws.String(fmt.Sprintf("ticket %s left escalation clock %d", w.TicketID, w.Clock)),
		})
		var missing *types.ExecutionDoesNotExist
		if err != nil && !errors.As(err, &missing) {
			errs = append(errs, classify(err, "stop timer "+w.Key()))
		}
	}
	return joined(errs)
}

// joined returns one error for errs, with the code of the first, so that
// a caller answers it as the first failure deserves.
func joined(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return ticket.Wrap(ticket.ErrorCode(errs[0]), errors.Join(errs...), fmt.Sprintf("sfntimer: %d timers failed", len(errs)))
}
