package main

import (
	"context"
	"errors"

	"github.com/tierline/tierline/shared/ticket"
)

// The errors of the escalation step. aws-lambda-go reports a returned
// error's Go type name as its errorType, which Lambda keeps in the record
// of a failed asynchronous invocation in the timers' dead letters, so
// whoever reads one sees at once whether it was an outage or a bug.

// TransientError is a failure a later try may not meet: the store was
// unavailable or throttled, a write lost a race, time ran out. Lambda
// retries the invocation, and the sweep runs the step if those fail, so an
// escalation is late rather than lost.
type TransientError struct{ Err error }

func (e *TransientError) Error() string { return "transient: " + e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// InputError is a schedule input that names no escalation clock: a bug in
// whatever created the schedule. Retrying cannot fix it; it goes to the
// dead letters, whose alarm fires.
type InputError struct{ Err error }

func (e *InputError) Error() string { return "input: " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// InternalError is anything else, such as a ticket the store cannot read:
// after Lambda's retries it goes to the dead letters, whose alarm fires.
type InternalError struct{ Err error }

func (e *InternalError) Error() string { return "internal: " + e.Err.Error() }
func (e *InternalError) Unwrap() error { return e.Err }

// classify gives err its type by its ticket code.
func classify(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &TransientError{Err: err}
	}
	switch ticket.ErrorCode(err) {
	case ticket.Unavailable, ticket.Conflict:
		return &TransientError{Err: err}
	case ticket.Invalid, ticket.Malformed:
		return &InputError{Err: err}
	}
	return &InternalError{Err: err}
}
