package httpapi

// These tests reach into the package: the codes Forbidden and Internal
// cannot be provoked through the real stack, and the status table must
// hold for every code all the same.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// syncBuffer is a log sink that tests may read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mustServer returns a Server without routes' collaborators, logging to log.
func mustServer(tb testing.TB, log *syncBuffer) *Server {
	tb.Helper()
	cfg := &policy.Config{}
	s, err := New(&desk.Service{Config: cfg}, cfg, Options{Log: slog.New(slog.NewJSONHandler(log, nil))})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

// answer runs fail on err and returns the recorded answer and its body.
func answer(tb testing.TB, s *Server, err error) (*httptest.ResponseRecorder, wire.Error) {
	tb.Helper()
	rec := httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest("POST", "/v1/hooks/monitor", nil), err)
	var body wire.Error
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		tb.Fatalf("body %s is not the error shape: %v", rec.Body, err)
	}
	return rec, body
}

// Ensure every error code answers the README's status, with the code and the
// message in the JSON error shape, and only 503 asks for a retry.
func TestFail_statusTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   ticket.Code
		status int
	}{
		{ticket.Malformed, http.StatusBadRequest},             // 400 malformed
		{ticket.Unauthorized, http.StatusUnauthorized},        // 401 auth
		{ticket.Forbidden, http.StatusForbidden},              // 403 auth
		{ticket.NotFound, http.StatusNotFound},                // 404
		{ticket.Conflict, http.StatusConflict},                // 409 conflict
		{ticket.TooLarge, http.StatusRequestEntityTooLarge},   // 413 too large
		{ticket.Unsupported, http.StatusUnsupportedMediaType}, // 415 content type
		{ticket.Invalid, http.StatusUnprocessableEntity},      // 422 valid JSON of the wrong shape
		{ticket.Internal, http.StatusInternalServerError},     // 500, never in detail
		{ticket.Unavailable, http.StatusServiceUnavailable},   // 503 + Retry-After
	}
	if len(tests) != len(statuses) {
		t.Errorf("the status table has %d codes, this test %d: test the new code", len(statuses), len(tests))
	}
	s := mustServer(t, &syncBuffer{})
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			t.Parallel()
			// Wrapped with context, as callers do, the code must still be found.
			err := fmt.Errorf("desk: ingest: %w", ticket.Errorf(tt.code, "what to fix"))
			rec, body := answer(t, s, err)
			if rec.Code != tt.status {
				t.Errorf("Status=%v, want %v", rec.Code, tt.status)
			}
			if body.Error.Code != string(tt.code) {
				t.Errorf("code=%q, want %q", body.Error.Code, tt.code)
			}
			want := "what to fix"
			if tt.code == ticket.Internal {
				want = "internal error"
			}
			if body.Error.Message != want {
				t.Errorf("message=%q, want %q", body.Error.Message, want)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type=%q, want application/json", ct)
			}
			if got, want := rec.Header().Get("Retry-After") != "", tt.code == ticket.Unavailable; got != want {
				t.Errorf("Retry-After set=%v, want %v", got, want)
			}
		})
	}
}

// Ensure an internal error's detail is logged for operators but never
// reaches the client, whatever shape the error has.
func TestFail_internalDoesNotLeak(t *testing.T) {
	t.Parallel()
	const secret = "dial tcp 10.0.0.7:5432: password authentication failed for user admin"
	tests := []struct {
		name string
		err  error
	}{
		// Ensure a plain error (a bug) is internal.
		{name: "plain", err: errors.New(secret)},
		// Ensure a wrapped plain error is internal.
		{name: "wrapped", err: fmt.Errorf("sqlite store: %w", errors.New(secret))},
		// Ensure an Internal *ticket.Error hides its own message too.
		{name: "internal_code", err: ticket.Errorf(ticket.Internal, "%s", secret)},
		// Ensure an Internal *ticket.Error hides its cause.
		{name: "internal_cause", err: ticket.Wrap(ticket.Internal, errors.New(secret), "decode row")},
		// Ensure a code the table does not know is internal, not a guess.
		{name: "unknown_code", err: &ticket.Error{Code: "weird", Message: "x", Err: errors.New(secret)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := &syncBuffer{}
			rec, body := answer(t, mustServer(t, log), tt.err)
			if rec.Code != http.StatusInternalServerError || body.Error.Code != "internal" {
				t.Errorf("Status=%v code=%q, want 500 internal", rec.Code, body.Error.Code)
			}
			if strings.Contains(rec.Body.String(), "password") || strings.Contains(rec.Body.String(), "10.0.0.7") {
				t.Errorf("body %s leaks the detail", rec.Body)
			}
			if !strings.Contains(log.String(), "10.0.0.7") {
				t.Errorf("log %q does not keep the detail for operators", log.String())
			}
		})
	}
}

// Ensure a 503's cause is logged but not answered: the client learns only
// that the store is unavailable, and when to retry.
func TestFail_unavailable(t *testing.T) {
	t.Parallel()
	log := &syncBuffer{}
	err := ticket.Wrap(ticket.Unavailable, errors.New("disk I/O error at /var/lib/tierline"), "the ticket store is unavailable")
	rec, body := answer(t, mustServer(t, log), err)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != retryAfter {
		t.Errorf("Status=%v Retry-After=%q, want 503 and %q", rec.Code, rec.Header().Get("Retry-After"), retryAfter)
	}
	if body.Error.Message != "the ticket store is unavailable" || strings.Contains(rec.Body.String(), "/var/lib") {
		t.Errorf("body %s, want only the message", rec.Body)
	}
	if !strings.Contains(log.String(), "/var/lib/tierline") {
		t.Errorf("log %q does not keep the cause", log.String())
	}
}

// Ensure client mistakes are not logged as errors: only internal errors
// are, so that logs page on bugs and not on bad senders.
func TestFail_clientErrorsNotLogged(t *testing.T) {
	t.Parallel()
	log := &syncBuffer{}
	s := mustServer(t, log)
	for _, code := range []ticket.Code{ticket.Malformed, ticket.Invalid, ticket.NotFound, ticket.Unauthorized} {
		answer(t, s, ticket.Errorf(code, "x"))
	}
	if log.String() != "" {
		t.Errorf("log %q, want nothing for client errors", log.String())
	}
}

// Ensure writeJSON escapes HTML in alert text, which is untrusted and may
// end up in a browser, and marks answers as not cacheable.
func TestWriteJSON(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusAccepted, map[string]string{"title": `<script>alert("x")</script> & more`})
	if rec.Code != http.StatusAccepted {
		t.Errorf("Status=%v, want %v", rec.Code, http.StatusAccepted)
	}
	if b := rec.Body.String(); strings.ContainsAny(b, "<>&") {
		t.Errorf("body %s has unescaped HTML", b)
	}
	var back map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &back); err != nil || back["title"] != `<script>alert("x")</script> & more` {
		t.Errorf("body %s does not decode to the title (err %v)", rec.Body, err)
	}
	if h := rec.Header(); h.Get("Content-Type") != "application/json" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("Content-Type=%q Cache-Control=%q, want application/json, no-store", h.Get("Content-Type"), h.Get("Cache-Control"))
	}
}
