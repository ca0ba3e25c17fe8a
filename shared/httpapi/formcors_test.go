package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// Ensure preflights are answered for the form's origins, with exactly what
// a page's fetch needs, and refused for everything else, storing nothing.
func TestFormPreflight(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	a.MustCreate(t, "existing")
	before := a.MustSnapshot(t)
	preflight := func(origin, method, headers string) http.Header {
		return Headers("Origin", origin, "Access-Control-Request-Method", method, "Access-Control-Request-Headers", headers)
	}
	tests := []struct {
		name   string
		path   string
		header http.Header
		status int
		allow  bool   // the answer carries the CORS headers
		msg    string // for refusals: what the error says
	}{
		// Ensure a fetch posting JSON from an allowed origin may go ahead.
		{name: "allowed_json", header: preflight(intranet, "POST", "content-type"), status: http.StatusNoContent, allow: true},
		// Ensure Accept and Content-Type together, in any case and spacing, may go ahead.
		{name: "allowed_accept", header: preflight(intranet, "POST", "Accept, Content-Type"), status: http.StatusNoContent, allow: true},
		// Ensure a preflight with no extra headers may go ahead.
		{name: "allowed_no_headers", header: preflight(intranet, "POST", ""), status: http.StatusNoContent, allow: true},
		// Ensure another site is refused, without CORS headers, so the browser stops.
		{name: "refused_origin", header: preflight("https://evil.example", "POST", "content-type"),
			status: http.StatusForbidden, msg: `pages of "https://evil.example"`},
		// Ensure a form without origins refuses every preflight.
		{name: "refused_form_without_origins", path: "/forms/facilities", header: preflight(intranet, "POST", "content-type"),
			status: http.StatusForbidden, msg: `form "facilities"`},
		// Ensure another method is refused.
		{name: "refused_method", header: preflight(intranet, "PUT", "content-type"),
			status: http.StatusForbidden, msg: `"PUT": a form takes only POST`},
		// Ensure credentials and other headers are refused.
		{name: "refused_authorization", header: preflight(intranet, "POST", "content-type, authorization"),
			status: http.StatusForbidden, msg: `"authorization": a form takes only Content-Type and Accept`},
		// Ensure an unknown form is not found.
		{name: "unknown_form", path: "/forms/hr", header: preflight(intranet, "POST", "content-type"),
			status: http.StatusNotFound, msg: `no form named "hr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "/forms/it-help"
			}
			resp := a.Send(t, "OPTIONS", path, tt.header, "")
			if tt.msg != "" {
				code := map[int]string{http.StatusForbidden: "forbidden", http.StatusNotFound: "not_found"}[tt.status]
				AssertError(t, resp, tt.status, code, tt.msg)
			} else if resp.Status != tt.status {
				t.Errorf("Status=%v, want %v; body %s", resp.Status, tt.status, resp.Body)
			}
			want := map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": "",
				"Access-Control-Allow-Headers": "", "Access-Control-Max-Age": ""}
			if tt.allow {
				want = map[string]string{"Access-Control-Allow-Origin": intranet, "Access-Control-Allow-Methods": "POST",
					"Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"}
			}
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s=%q, want %q", k, got, v)
				}
			}
			if tt.allow && resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("Access-Control-Allow-Credentials is set: forms take no credentials")
			}
			if vary := strings.Join(resp.Header.Values("Vary"), ", "); tt.status != http.StatusNotFound && !strings.Contains(vary, "Origin") {
				t.Errorf("Vary=%q, want Origin in it: answers differ by origin", vary)
			}
			a.AssertUnchanged(t, before)
		})
	}

	// Ensure an OPTIONS that is not a preflight is told the route's methods.
	t.Run("not_a_preflight", func(t *testing.T) {
		resp := a.Send(t, "OPTIONS", "/forms/it-help", nil, "")
		if resp.Status != http.StatusNoContent || resp.Header.Get("Allow") != "GET, HEAD, POST, OPTIONS" || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("Status=%v Allow=%q ACAO=%q, want 204, the methods, none", resp.Status, resp.Header.Get("Allow"), resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})
}

// Ensure who may post is decided by Origin: no Origin (curl, a server),
// tierline's own page and the form's origins may; only the form's origins
// are given CORS headers, which their scripts need to read the answer.
func TestFormSubmit_origins(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	tests := []struct {
		name   string
		origin string // "" sends none; "self" the test server's own
		script bool
		acao   string
	}{
		// Ensure a client without Origin, such as curl, may post.
		{name: "no_origin", script: true},
		// Ensure tierline's own form page may post: a browser sends its origin on every POST.
		{name: "own_page", origin: "self"},
		// Ensure a page of an allowed origin may post, and its script may read the answer.
		{name: "allowed_origin_fetch", origin: intranet, script: true, acao: intranet},
		// Ensure a plain form post from an allowed origin's page is redirected, with CORS headers too.
		{name: "allowed_origin_form", origin: intranet, acao: intranet},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := browser("application/x-www-form-urlencoded")
			if tt.script {
				h.Set("Accept", "application/json")
			}
			switch tt.origin {
			case "self":
				h.Set("Origin", a.URL)
			case "":
			default:
				h.Set("Origin", tt.origin)
			}
			resp := a.Send(t, "POST", "/forms/it-help", h, form(valid("ORIGINORIGINORIGIN0"+string(rune('a'+i)))...))
			MustFiled(t, resp, tt.script)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.acao {
				t.Errorf("Access-Control-Allow-Origin=%q, want %q", got, tt.acao)
			}
			if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ", "), "Origin") {
				t.Errorf("Vary=%q, want Origin in it", resp.Header.Values("Vary"))
			}
		})
	}
}
