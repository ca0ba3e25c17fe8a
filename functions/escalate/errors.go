package main

import (
	"context"
	"errors"

	"github.com/tierline/tierline/shared/ticket"
)

// The errors of the escalation step. aws-lambda-go reports a returned
// error's Go type name as its errorType, and infra/escalation.asl.json's
// Retry and Catch match on that name, so these names are part of the state
// machine's contract: TestErrorTypesMatchTheStateMachine keeps them in step.

// TransientError is a failure a later try may not meet: the store was
// unavailable or throttled, a write lost a race, time ran out. The state
// machine retries it with backoff, then waits and tries again
// (RetryLater), so an escalation is late rather than lost.
type TransientError struct{ Err error }

func (e *TransientError) Error() string { return "transient: " + e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// InputError is an execution input that names no escalation clock: a bug
// in whatever started the execution. Retrying cannot fix it; the
// execution fails (EscalationFailed) and its alarm fires.
type InputError struct{ Err error }

func (e *InputError) Error() string { return "input: " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// InternalError is anything else, such as a ticket the store cannot read:
// the execution fails and its alarm fires.
type InternalError struct{ Err error }

func (e *InternalError) Error() string { return "internal: " + e.Err.Error() }
func (e *InternalError) Unwrap() error { return e.Err }

// errorTypes lists one value of each error type the handler returns.
var errorTypes = []error{&TransientError{}, &InputError{}, &InternalError{}}

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
