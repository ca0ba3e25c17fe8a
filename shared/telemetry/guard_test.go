package telemetry

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Ensure /metrics without a token answers loopback clients only, and with
// one answers only the token, from anywhere.
func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, c := range []struct {
		token, remote, auth string
		want                int
	}{
		{"", "127.0.0.1:5000", "", 200},
		{"", "[::1]:5000", "", 200},
		{"", "10.0.0.7:5000", "", 403},
		{"s3cret", "10.0.0.7:5000", "Bearer s3cret", 200},
		{"s3cret", "127.0.0.1:5000", "", 401},
		{"s3cret", "10.0.0.7:5000", "Bearer nope", 401},
	} {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = c.remote
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		Guard(ok, c.token).ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("token %q from %s with %q: %d, want %d", c.token, c.remote, c.auth, w.Code, c.want)
		}
	}
}
