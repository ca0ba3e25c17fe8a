package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// escalator is the target of the escalation schedules: the step
// desk.Advance, as of now, for the schedule's ticket and clock, then the
// schedule of the clock's next deadline, so a clock's timer follows its
// deadlines one schedule at a time.
type escalator struct {
	desk *desk.Service
	// schedules returns the timer whose schedules invoke function: the
	// function invoked now (its ARN comes with each invocation, which
	// spares the template a reference from the function to itself).
	schedules func(function string) timer.Timer
}

// handle runs one escalation step and starts the next schedule unless the
// timer is done (the ticket resolved, moved to a newer clock, gone, or out
// of repeats). A late or repeated step is harmless: Advance acts only on a
// deadline that has passed, and the next schedule's name is derived from
// its wake, so a second start of it creates nothing. An error is retried
// by Lambda's asynchronous invocation, then lands in the timers' dead
// letters with its type (errors.go); the sweep runs a lost step either way.
func (e *escalator) handle(ctx context.Context, in schedtimer.Input) error {
	if err := check(in); err != nil {
		return &InputError{Err: err}
	}
	fn := invokedARN(ctx)
	if fn == "" {
		return &InternalError{Err: errors.New("the invocation names no function ARN to schedule the next step on")}
	}
	w := in.Wake()
	next, done, err := e.desk.Advance(ctx, w)
	if err != nil {
		return classify(fmt.Errorf("escalate ticket %s clock %d: %w", in.TicketID, in.Clock, err))
	}
	if done {
		return nil
	}
	if next.IsZero() {
		return &InternalError{Err: fmt.Errorf("escalate ticket %s clock %d: the step gave no next deadline", in.TicketID, in.Clock)}
	}
	if err := e.schedules(fn).Start(ctx, schedtimer.After(w, next)); err != nil {
		return classify(fmt.Errorf("escalate ticket %s clock %d: schedule the next step: %w", in.TicketID, in.Clock, err))
	}
	return nil
}

// invokedARN is the ARN the function was invoked by, "" outside Lambda.
func invokedARN(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.InvokedFunctionArn
	}
	return ""
}

// check refuses an input that names no timer.
func check(in schedtimer.Input) error {
	if _, err := ticket.ParseID(in.TicketID); err != nil {
		return fmt.Errorf("ticket_id %q is not a ticket id", in.TicketID)
	}
	if in.Clock < 1 {
		return errors.New("clock must be 1 or more")
	}
	return nil
}
