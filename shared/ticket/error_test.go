package ticket_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

func TestErrorCodeAndMessage(t *testing.T) {
	t.Parallel()
	secret := errors.New("dial tcp 10.0.0.7:5432: password authentication failed for user admin")
	tests := []struct {
		name     string
		err      error
		wantCode ticket.Code
		wantMsg  string
	}{
		// Ensure no error has no code (and still gets a safe message).
		{name: "nil", err: nil, wantCode: "", wantMsg: "internal error"},
		// Ensure a domain error shows its code and message.
		{name: "domain_error", err: ticket.Errorf(ticket.Conflict, "ticket %s is resolved", "t1"),
			wantCode: ticket.Conflict, wantMsg: "ticket t1 is resolved"},
		// Ensure a domain error is found through fmt.Errorf's %w, and the wrapping context is not shown.
		{name: "wrapped_once", err: fmt.Errorf("desk: acknowledge: %w", ticket.Errorf(ticket.NotFound, "no ticket t1")),
			wantCode: ticket.NotFound, wantMsg: "no ticket t1"},
		// Ensure a domain error is found however deep it is wrapped.
		{name: "wrapped_twice", err: fmt.Errorf("httpapi: %w", fmt.Errorf("desk: %w", ticket.Errorf(ticket.Invalid, "title is required"))),
			wantCode: ticket.Invalid, wantMsg: "title is required"},
		// Ensure the outermost *Error decides when two are chained.
		{name: "outermost_wins", err: ticket.Wrap(ticket.Unavailable, ticket.Errorf(ticket.Conflict, "version changed"), "store busy"),
			wantCode: ticket.Unavailable, wantMsg: "store busy"},
		// Ensure a plain error is internal and its text does not leak.
		{name: "plain_error", err: secret, wantCode: ticket.Internal, wantMsg: "internal error"},
		// Ensure a wrapped plain error does not leak either.
		{name: "wrapped_plain_error", err: fmt.Errorf("store: %w", secret), wantCode: ticket.Internal, wantMsg: "internal error"},
		// Ensure an *Error coded Internal does not leak its message.
		{name: "internal_error", err: ticket.Errorf(ticket.Internal, "nil map in %s", "desk.Ingest"),
			wantCode: ticket.Internal, wantMsg: "internal error"},
		// Ensure a cause kept by Wrap is not shown to clients.
		{name: "wrap_hides_cause", err: ticket.Wrap(ticket.Unavailable, secret, "the store is unavailable"),
			wantCode: ticket.Unavailable, wantMsg: "the store is unavailable"},
		// Ensure an internal error with a cause hides both.
		{name: "internal_wrap", err: ticket.Wrap(ticket.Internal, secret, "ticket id: read random bits"),
			wantCode: ticket.Internal, wantMsg: "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ticket.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode=%q, want %q", got, tt.wantCode)
			}
			got := ticket.ErrorMessage(tt.err)
			if got != tt.wantMsg {
				t.Errorf("ErrorMessage=%q, want %q", got, tt.wantMsg)
			}
			if strings.Contains(got, "password") || strings.Contains(got, "10.0.0.7") {
				t.Errorf("ErrorMessage=%q leaks the cause", got)
			}
		})
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	cause := errors.New("connection reset")
	tests := []struct {
		name      string
		err       *ticket.Error
		wantText  string
		wantCause error
	}{
		// Ensure Errorf formats its message and has no cause.
		{name: "errorf", err: ticket.Errorf(ticket.Invalid, "%d labels; the limit is %d", 130, 128),
			wantText: "130 labels; the limit is 128"},
		// Ensure Wrap's text, for logs, carries the cause after the message.
		{name: "wrap", err: ticket.Wrap(ticket.Unavailable, cause, "store: update ticket t1"),
			wantText: "store: update ticket t1: connection reset", wantCause: cause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.wantText {
				t.Errorf("Error=%q, want %q", got, tt.wantText)
			}
			if got := errors.Unwrap(tt.err); got != tt.wantCause {
				t.Errorf("Unwrap=%v, want %v", got, tt.wantCause)
			}
			if tt.wantCause != nil && !errors.Is(fmt.Errorf("ctx: %w", tt.err), tt.wantCause) {
				t.Errorf("errors.Is(err, %v)=false, want true", tt.wantCause)
			}
		})
	}
}
