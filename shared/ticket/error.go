package ticket

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers that must answer it: the HTTP layer
// maps each code to one status, a Lambda handler decides whether to retry.
type Code string

// The error vocabulary. Anything that is not an *Error is internal.
const (
	Malformed    Code = "malformed"              // not parseable at all (bad JSON, bad encoding)
	Invalid      Code = "invalid"                // parseable, but the wrong shape or a broken rule
	NotFound     Code = "not_found"              // no such ticket, integration or form
	Conflict     Code = "conflict"               // the move is illegal in the ticket's current state
	Unauthorized Code = "unauthorized"           // missing or wrong credentials
	Forbidden    Code = "forbidden"              // credentials fine, action not allowed
	TooLarge     Code = "too_large"              // body over the cap
	Unsupported  Code = "unsupported_media_type" // content type we do not decode
	Unavailable  Code = "unavailable"            // a dependency failed; retrying later may work
	Internal     Code = "internal"               // a bug; never shown in detail to clients
)

// Error is an error with a code and a message fit to show a client.
type Error struct {
	Code    Code
	Message string
	Err     error // optional cause, for logs; never shown to clients
}

func (e *Error) Error() string {
	// An Err whose text is the message already (a typed cause kept for
	// errors.As) is not said twice.
	if e.Err != nil && e.Err.Error() != e.Message {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with code and message that keeps err as its cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, or Internal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or a generic text for internal errors so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "internal error"
}
