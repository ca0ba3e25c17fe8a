package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
)

// Ensure /healthz answers 200 without credentials.
func TestHealthz(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	for _, method := range []string{"GET", "HEAD"} {
		resp := a.Do(t, Request{Method: method, Path: "/healthz"})
		if resp.Status != http.StatusOK {
			t.Errorf("%s: Status=%v, want %v", method, resp.Status, http.StatusOK)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type=%q, want application/json", method, ct)
		}
		if method == "GET" && strings.TrimSpace(string(resp.Body)) != `{"status":"ok"}` {
			t.Errorf("%s: body %s, want {\"status\":\"ok\"}", method, resp.Body)
		}
	}
}

// Ensure a path that is no route answers 404 in the API's JSON error
// shape, not net/http's text, and names what was asked for.
func TestServer_unknownRoute(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	tests := []struct {
		name   string
		method string
		path   string
	}{
		// Ensure the root is not a route.
		{name: "root", method: "GET", path: "/"},
		// Ensure an unknown top-level path is 404.
		{name: "unknown_path", method: "GET", path: "/v1/nothing"},
		// Ensure an unknown path is 404 for any method.
		{name: "unknown_path_post", method: "POST", path: "/v2/nothing"},
		// Ensure a hook path without an integration is 404.
		{name: "hooks_without_name", method: "POST", path: "/v1/hooks/"},
		// Ensure a path below an action is 404.
		{name: "below_action", method: "POST", path: "/v1/tickets/0c7g2m4x9k3t1p/resolve/now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := a.Do(t, Request{Method: tt.method, Path: tt.path, Auth: "Bearer " + apiKey})
			AssertError(t, resp, http.StatusNotFound, "not_found", "no route", tt.method, tt.path)
		})
	}
}

// Ensure a known path with the wrong method answers 405 in JSON, with the
// Allow header naming the method to use, before any credentials are
// asked for.
func TestServer_methodNotAllowed(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	tests := []struct {
		name   string
		method string
		path   string
		allow  string
	}{
		// Ensure healthz is read-only.
		{name: "post_healthz", method: "POST", path: "/healthz", allow: "GET, HEAD"},
		// Ensure hooks are posted, never read.
		{name: "get_hook", method: "GET", path: "/v1/hooks/monitor", allow: "POST"},
		// Ensure hooks of unknown integrations are told the method too.
		{name: "put_hook_unknown", method: "PUT", path: "/v1/hooks/nagios", allow: "POST"},
		// Ensure the list cannot be posted to.
		{name: "post_list", method: "POST", path: "/v1/tickets", allow: "GET, HEAD"},
		// Ensure tickets cannot be deleted.
		{name: "delete_ticket", method: "DELETE", path: "/v1/tickets/0c7g2m4x9k3t1p", allow: "GET, HEAD"},
		// Ensure actions are posted, never read.
		{name: "get_action", method: "GET", path: "/v1/tickets/0c7g2m4x9k3t1p/acknowledge", allow: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := a.Do(t, Request{Method: tt.method, Path: tt.path})
			AssertError(t, resp, http.StatusMethodNotAllowed, "method_not_allowed", tt.method, "use "+tt.allow)
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow=%q, want %q", got, tt.allow)
			}
		})
	}
}

// Ensure New refuses a config whose integration has a kind no decoder
// speaks, rather than answering 500 on its first hook.
func TestNew_unknownKind(t *testing.T) {
	t.Parallel()
	cfg := &policy.Config{Integrations: []policy.Integration{{Name: "pigeon", Kind: "carrier-pigeon"}}}
	if _, err := httpapi.New(&desk.Service{Config: cfg}, cfg, httpapi.Options{}); err == nil ||
		!strings.Contains(err.Error(), "carrier-pigeon") {
		t.Errorf("New = %v, want an error naming the kind", err)
	}
}

// Ensure reads answer 503 with Retry-After once the database is closed
// under the server, without saying why.
func TestAPI_databaseClosed(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "before the close")
	if err := a.DB.Close(); err != nil {
		t.Fatalf("close the database: %v", err)
	}
	// Writes are left out: localdb.Write after Close may block forever
	// (see TestHook_storeUnavailable).
	tests := []struct {
		name string
		path string
	}{
		// Ensure reading a ticket from a closed database is 503.
		{name: "get", path: "/v1/tickets/" + id},
		// Ensure listing from a closed database is 503.
		{name: "list", path: "/v1/tickets?tier=L1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AssertUnavailable(t, a.Call(t, "GET", tt.path, ""), "closed")
		})
	}
}
