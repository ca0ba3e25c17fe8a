package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// statuses is the one table from error codes to HTTP statuses.
var statuses = map[ticket.Code]int{
	ticket.Malformed:    http.StatusBadRequest,
	ticket.Invalid:      http.StatusUnprocessableEntity,
	ticket.NotFound:     http.StatusNotFound,
	ticket.Conflict:     http.StatusConflict,
	ticket.Unauthorized: http.StatusUnauthorized,
	ticket.Forbidden:    http.StatusForbidden,
	ticket.TooLarge:     http.StatusRequestEntityTooLarge,
	ticket.Unsupported:  http.StatusUnsupportedMediaType,
	ticket.Unavailable:  http.StatusServiceUnavailable,
	ticket.Internal:     http.StatusInternalServerError,
}

// retryAfter is how long a sender should wait after a 503, in seconds.
const retryAfter = "5"

// httpError is an answer the HTTP layer itself decides (404 route, 405).
type httpError struct {
	status  int
	code    string
	message string
}

func (e *httpError) Error() string { return e.message }

func errorf(status int, code, format string, args ...any) *httpError {
	return &httpError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// fail answers err as {"error": {"code", "message"}}. Internal errors are
// logged with their detail and shown to the client only as "internal
// error"; unavailability is logged and answered 503 with Retry-After.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if errors.As(err, &he) {
		writeJSON(w, he.status, wire.Error{Error: wire.ErrorBody{Code: he.code, Message: he.message}})
		return
	}
	code := ticket.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		code, status = ticket.Internal, http.StatusInternalServerError
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "err", err}
	if id := r.PathValue("id"); id != "" {
		attrs = append(attrs, "ticket", id)
	}
	switch code {
	case ticket.Internal:
		s.log.ErrorContext(r.Context(), "internal error", attrs...)
	case ticket.Unavailable:
		s.log.WarnContext(r.Context(), "dependency unavailable", attrs...)
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, status, wire.Error{Error: wire.ErrorBody{Code: string(code), Message: ticket.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
