package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

// escalator is the task of the escalation state machine: the step
// desk.Advance, as of now, for the ticket and clock of the execution.
type escalator struct {
	desk *desk.Service
}

// handle runs one escalation step. Its output is the next input of the
// state machine's loop: the same ticket and clock, the next deadline to
// wait for, and whether the timer is done (the ticket resolved, moved to a
// newer clock, gone, or out of repeats). A late or repeated step is
// harmless: Advance acts only on a deadline that has passed.
func (e *escalator) handle(ctx context.Context, in sfntimer.Input) (sfntimer.Output, error) {
	if err := check(in); err != nil {
		return sfntimer.Output{}, &InputError{Err: err}
	}
	w := in.Wake()
	next, done, err := e.desk.Advance(ctx, w)
	if err != nil {
		return sfntimer.Output{}, classify(fmt.Errorf("escalate ticket %s clock %d: %w", in.TicketID, in.Clock, err))
	}
	if !done && next.IsZero() {
		// A zero deadline would make the Wait end at once and the loop spin.
		return sfntimer.Output{}, &InternalError{Err: fmt.Errorf("escalate ticket %s clock %d: the step gave no next deadline", in.TicketID, in.Clock)}
	}
	w.At = next
	return sfntimer.OutputOf(w, done), nil
}

// check refuses an input that names no timer.
func check(in sfntimer.Input) error {
	if _, err := ticket.ParseID(in.TicketID); err != nil {
		return fmt.Errorf("ticket_id %q is not a ticket id", in.TicketID)
	}
	if in.Clock < 1 {
		return errors.New("clock must be 1 or more")
	}
	return nil
}
