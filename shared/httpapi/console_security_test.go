package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/httpapi"
)

// Ensure a post without the session's CSRF token is refused, 403, with a
// page, and changes nothing: no token, another session's, one of
// another tierline, and the right one from another site's page.
func TestConsoleCSRFRefused(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	b.MustSignIn(apiKey)
	mine := b.CSRF(b.MustPage("/console/tickets/" + id))
	alice := NewBrowser(t, b.API)
	alice.MustSignIn(otherKey)
	hers := alice.CSRF(alice.MustPage("/console/tickets/" + id))
	other := NewBrowser(t, MustOpenAPIWith(t, testConfig+`action_links: {secret: "another-secret-0123456789-abcdefghijklmnop"}
`, httpapi.Options{}))
	other.MustSignIn(apiKey)
	foreign := other.CSRF(other.MustPage("/console/queue/L1"))
	before := b.MustSnapshot(t)

	path := "/console/tickets/" + id + "/acknowledge"
	for name, token := range map[string]string{"none": "", "alice's": hers, "another tierline's": foreign, "garbage": "!!!"} {
		p := b.Post(path, url.Values{"csrf": {token}})
		if p.Status != http.StatusForbidden || !strings.Contains(Text(t, p, "heading"), "Refused") {
			t.Errorf("%s token: %d, want 403 with the refusal page", name, p.Status)
		}
	}
	for header, value := range map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"} {
		req := b.postRequest(path, url.Values{"csrf": {mine}})
		req.Header.Set(header, value)
		if p := b.Do(req); p.Status != http.StatusForbidden {
			t.Errorf("%s: %s with the right token: %d, want 403", header, value, p.Status)
		}
	}
	b.AssertUnchanged(t, before)

	req := b.postRequest(path, url.Values{"csrf": {mine}})
	req.Header.Set("Origin", b.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if p := b.Do(req); p.Status != http.StatusSeeOther {
		t.Errorf("from tierline's own page: %d, want 303", p.Status)
	}
}

// Ensure another site's page cannot sign a browser in (with the
// attacker's key, to watch what its victim does).
func TestConsoleSignInFromAnotherSite(t *testing.T) {
	b := MustOpenConsole(t)
	req := b.postRequest("/console/login", url.Values{"key": {apiKey}})
	req.Header.Set("Origin", "https://evil.example")
	if p := b.Do(req); p.Status != http.StatusForbidden || len(p.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("sign in from another site: %d, cookies %q; want 403 and none", p.Status, p.Header.Values("Set-Cookie"))
	}
}

// consoleCSP is the Content-Security-Policy of every console page of a
// server at base.
func consoleCSP(base string) string {
	return "default-src 'none'; style-src 'self' " + base + "; img-src 'self' " + base + "; form-action 'self' " + base +
		"; frame-ancestors 'none'; base-uri 'none'"
}

// Ensure every console page, and every refusal, is sent with the strict
// CSP (its own stylesheet only, no script, no frame, posts only to
// tierline), nosniff, Referrer-Policy same-origin and no-store, carries
// no script and no inline style, and links the stylesheet, which is
// served as CSS.
func TestConsoleHeaders(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full on db-1")
	pages := map[string]Page{"sign-in": b.MustPage("/console/login"),
		"bad key": b.Post("/console/login", url.Values{"key": {"x"}})}
	b.MustSignIn(apiKey)
	pages["queue"] = b.MustPage("/console/queue/L1")
	pages["mine"] = b.MustPage("/console/queue/mine")
	pages["ticket"] = b.MustPage("/console/tickets/" + id)
	pages["no token"] = b.Post("/console/tickets/"+id+"/note", url.Values{"note": {"x"}})
	pages["conflict"] = b.Act(id, "reopen", nil)
	pages["no page"] = b.Get("/console/nothing-here")
	pages["no ticket"] = b.Get("/console/tickets/0000000000000a")
	for name, p := range pages {
		h := p.Header
		if got := h.Get("Content-Security-Policy"); got != consoleCSP(b.URL) {
			t.Errorf("%s: CSP %q, want %q", name, got, consoleCSP(b.URL))
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" ||
			h.Get("Cache-Control") != "no-store" || h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: headers %v", name, h)
		}
		if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<style") {
			t.Errorf("%s: the page has a script or inline style", name)
		}
		if !strings.Contains(p.Body, `<meta name="viewport" content="width=device-width, initial-scale=1">`) ||
			!strings.Contains(p.Body, `<link rel="stylesheet" href="`+b.URL+`/console/style.css?v=`) {
			t.Errorf("%s: no viewport or no stylesheet link", name)
		}
	}
	css := b.Get("/console/style.css")
	if css.Status != http.StatusOK || css.Header.Get("Content-Type") != "text/css; charset=utf-8" ||
		css.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(css.Body, "body{") {
		t.Errorf("style.css: %d %v", css.Status, css.Header)
	}
	if icon := b.Get("/console/icon.svg"); icon.Status != http.StatusOK || icon.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("icon.svg: %d %v", icon.Status, icon.Header)
	}
}

// Ensure the text of an alert is shown as text wherever the console
// shows it: a title, description, labels, details and link text of
// markup never become markup, and only http(s) links become links.
func TestConsoleEscapesAlertText(t *testing.T) {
	b := MustOpenConsole(t)
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	body, _ := json.Marshal(map[string]any{"title": evil + " Disk full", "dedup_key": "x", "description": evil,
		"labels": map[string]string{"host": evil}, "details": map[string]any{"why": evil, "n": 3},
		"links": []map[string]string{{"href": "https://grafana.example/d?a=1&b=<2>", "text": evil}}})
	id := b.MustHook(t, string(body))[0].TicketID
	b.MustSignIn(apiKey)
	b.MustAct(id, "note", url.Values{"note": {evil}})
	for _, path := range []string{"/console/queue/L1", "/console/tickets/" + id} {
		p := b.MustPage(path)
		if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, "<img") {
			t.Errorf("%s: alert markup became markup", path)
		}
		if !strings.Contains(p.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the title is not shown as escaped text", path)
		}
	}
	p := b.MustPage("/console/tickets/" + id)
	if got := Text(t, p, "title"); got != evil+" Disk full" {
		t.Errorf("the title reads %q, want it as sent", got)
	}
	if !strings.Contains(p.Body, `<a href="https://grafana.example/d?a=1&amp;b=%3c2%3e" rel="noopener noreferrer">&lt;script&gt;`) {
		t.Errorf("the link is not an escaped <a>: %s", p.Body)
	}
	if n := strings.Count(p.Body, "&lt;img src=x onerror=alert(2)&gt;"); n < 6 {
		t.Errorf("the markup shows as text %d times, want it in the title, description, label, detail, link and note", n)
	}
}
