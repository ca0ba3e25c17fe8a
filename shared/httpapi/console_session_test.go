package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/httpapi"
)

// sessionCookie returns the console cookie a response sets.
func sessionCookie(tb testing.TB, p Page) *http.Cookie {
	tb.Helper()
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == "tierline_console" {
			return c
		}
	}
	tb.Fatalf("no tierline_console cookie set; Set-Cookie %q", p.Header.Values("Set-Cookie"))
	return nil
}

// Ensure a personal api key signs in: the answer is a 303 to the L1
// queue with a session cookie no script can read and no other site's
// page can send, good for 12 hours, and the queue then shows who is
// signed in.
func TestConsoleSignIn(t *testing.T) {
	b := MustOpenConsole(t)
	login := b.MustPage("/console/login")
	if !strings.Contains(login.Body, `<label for="key">Api key</label>`) || !strings.Contains(login.Body, `type="password"`) {
		t.Errorf("the sign-in page has no labelled key field: %s", login.Body)
	}
	p := b.Post("/console/login", url.Values{"key": {otherKey}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/queue/L1" {
		t.Fatalf("sign in: %d to %q, want 303 to the L1 queue", p.Status, p.Location())
	}
	c := sessionCookie(t, p)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/console" || c.Secure {
		t.Errorf("cookie %+v, want HttpOnly, SameSite=Strict, path /console, not Secure over http", c)
	}
	if want := start.Add(httpapi.SessionLife); !c.Expires.Equal(want) {
		t.Errorf("cookie expires %v, want %v (12h after sign-in)", c.Expires, want)
	}
	if strings.Contains(c.Value, otherKey) {
		t.Errorf("the cookie %q carries the api key", c.Value)
	}
	q := b.MustPage("/console/queue/L1")
	if who := Text(t, q, "who"); who != "alice" {
		t.Errorf("signed in as %q, want alice (the key's name)", who)
	}
	if p := b.Get("/console/"); p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/queue/L1" {
		t.Errorf("GET /console/: %d to %q, want 303 to the L1 queue", p.Status, p.Location())
	}
}

// Ensure a key that is not one of the config's gets the sign-in page
// again, 401, with a plain error, and no session.
func TestConsoleSignInBadKey(t *testing.T) {
	b := MustOpenConsole(t)
	for _, key := range []string{"", "wrong-key", hookToken, consoleSecret} {
		p := b.Post("/console/login", url.Values{"key": {key}})
		if p.Status != http.StatusUnauthorized || len(p.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("key %q: %d, cookies %q; want 401 and no cookie", key, p.Status, p.Header.Values("Set-Cookie"))
		}
		if msg := Text(t, p, "problem"); !strings.Contains(msg, "not valid") {
			t.Errorf("key %q: problem %q, want it to say the key is not valid", key, msg)
		}
		if !strings.Contains(p.Body, `id="key"`) {
			t.Errorf("key %q: the answer is not the sign-in form: %s", key, p.Body)
		}
	}
	if p := b.Get("/console/queue/L1"); p.Status != http.StatusSeeOther {
		t.Errorf("after bad keys the queue answers %d, want 303 to sign in", p.Status)
	}
}

// Ensure every console page sends someone signed out to sign in (303),
// and back to the page asked for afterwards; a post does nothing.
func TestConsoleSignedOutRedirects(t *testing.T) {
	b := MustOpenConsole(t)
	id := b.MustCreate(t, "disk full")
	for _, path := range []string{"/console/", "/console/queue/L1", "/console/queue/mine", "/console/tickets/" + id} {
		p := b.Get(path)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), b.URL+"/console/login") {
			t.Errorf("GET %s signed out: %d to %q, want 303 to the sign-in page", path, p.Status, p.Location())
		}
	}
	before := b.MustSnapshot(t)
	p := b.Post("/console/tickets/"+id+"/acknowledge", url.Values{"csrf": {"x"}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/login" {
		t.Errorf("POST signed out: %d to %q, want 303 to the sign-in page", p.Status, p.Location())
	}
	b.AssertUnchanged(t, before)

	p = b.Get("/console/tickets/" + id + "?done=note")
	want := b.URL + "/console/login?next=" + url.QueryEscape("tickets/"+id+"?done=note")
	if p.Location() != want {
		t.Fatalf("redirect to %q, want %q", p.Location(), want)
	}
	login := b.MustPage(strings.TrimPrefix(want, b.URL))
	if !strings.Contains(login.Body, `name="next" value="tickets/`+id+`?done=note"`) {
		t.Errorf("the sign-in form does not carry next: %s", login.Body)
	}
	p = b.Post("/console/login", url.Values{"key": {apiKey}, "next": {"tickets/" + id}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/tickets/"+id {
		t.Errorf("sign in with next: %d to %q, want the ticket's page", p.Status, p.Location())
	}
}

// Ensure a sign-in is never sent off tierline, whatever next says.
func TestConsoleSignInNextStaysHome(t *testing.T) {
	b := MustOpenConsole(t)
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "queue/../../v1/tickets",
		"tickets//evil.example", "javascript:alert(1)", "queue/L1\r\nSet-Cookie: x=1"} {
		p := b.Post("/console/login", url.Values{"key": {apiKey}, "next": {next}})
		if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/queue/L1" {
			t.Errorf("next %q: %d to %q, want the L1 queue", next, p.Status, p.Location())
		}
	}
}

// Ensure the metrics page, like a queue, is where signing in leads back
// to, its window included.
func TestConsoleSignInBackToMetrics(t *testing.T) {
	b := MustOpenConsole(t)
	p := b.Get("/console/metrics?since=24h")
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/login?next="+url.QueryEscape("metrics?since=24h") {
		t.Fatalf("signed out: %d to %q, want 303 to sign in and back", p.Status, p.Location())
	}
	p = b.Post("/console/login", url.Values{"key": {apiKey}, "next": {"metrics?since=24h"}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/metrics?since=24h" {
		t.Errorf("signed in: %d to %q, want the metrics of 24h", p.Status, p.Location())
	}
}

// Ensure a session ends 12 hours after sign-in: the next page sends the
// person to sign in again and clears the cookie.
func TestConsoleSessionExpires(t *testing.T) {
	b := MustOpenConsole(t)
	b.MustSignIn(apiKey)
	b.Clock.Add(httpapi.SessionLife - time.Second)
	b.MustPage("/console/queue/L1")
	b.Clock.Add(time.Second)
	p := b.Get("/console/queue/L1")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), b.URL+"/console/login") {
		t.Fatalf("after 12h: %d to %q, want 303 to sign in", p.Status, p.Location())
	}
	if c := sessionCookie(t, p); c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("the expired cookie is not cleared: %+v", c)
	}
}

// Ensure a cookie tierline did not sign as it is is no session: another
// name or a later expiry under the same MAC, a MAC cut short, another
// secret's cookie, garbage; nor is one of a key the config no longer has.
func TestConsoleTamperedCookie(t *testing.T) {
	b := MustOpenConsole(t)
	p := b.Post("/console/login", url.Values{"key": {otherKey}})
	good := sessionCookie(t, p).Value
	parts := strings.Split(good, ".")
	if len(parts) != 5 {
		t.Fatalf("cookie %q, want 5 dot-separated parts", good)
	}
	renamed := append([]string{}, parts...)
	renamed[1] = base64.RawURLEncoding.EncodeToString([]byte("ops"))
	later := append([]string{}, parts...)
	later[2] = "9999999999"

	other := NewBrowser(t, MustOpenAPIWith(t, testConfig+`action_links: {secret: "another-secret-0123456789-abcdefghijklmnop"}
`, httpapi.Options{}))
	foreign := sessionCookie(t, other.Post("/console/login", url.Values{"key": {otherKey}})).Value

	withoutAlice := strings.Replace(consoleConfig, `  - {name: alice, key: "`+otherKey+`"}`+"\n", "", 1)
	if withoutAlice == consoleConfig {
		t.Fatal("the config without alice still has her")
	}
	gone := NewBrowser(t, MustOpenAPIWith(t, withoutAlice, httpapi.Options{}))

	for name, value := range map[string]string{
		"renamed": strings.Join(renamed, "."), "extended": strings.Join(later, "."),
		"cut": good[:len(good)-3], "foreign": foreign, "garbage": "1.x.y.z.w", "empty": "",
	} {
		req, _ := http.NewRequest("GET", b.URL+"/console/queue/L1", nil)
		req.AddCookie(&http.Cookie{Name: "tierline_console", Value: value})
		p := NewBrowser(t, b.API).Do(req)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), b.URL+"/console/login") {
			t.Errorf("%s cookie: %d to %q, want 303 to sign in", name, p.Status, p.Location())
		}
	}
	// The same secret, but alice's key is no longer in the config.
	req, _ := http.NewRequest("GET", gone.URL+"/console/queue/L1", nil)
	req.AddCookie(&http.Cookie{Name: "tierline_console", Value: good})
	if p := gone.Do(req); p.Status != http.StatusSeeOther {
		t.Errorf("the cookie of a key taken out of the config: %d, want 303 to sign in", p.Status)
	}
	req, _ = http.NewRequest("GET", b.URL+"/console/queue/L1", nil)
	req.AddCookie(&http.Cookie{Name: "tierline_console", Value: good})
	if p := NewBrowser(t, b.API).Do(req); p.Status != http.StatusOK {
		t.Errorf("the untouched cookie: %d, want 200", p.Status)
	}
}

// Ensure signing out clears the cookie, needs the session's token, and
// leaves the person signed out.
func TestConsoleSignOut(t *testing.T) {
	b := MustOpenConsole(t)
	b.MustSignIn(apiKey)
	q := b.MustPage("/console/queue/L1")
	if p := b.Post("/console/logout", url.Values{}); p.Status != http.StatusForbidden {
		t.Errorf("sign out without the token: %d, want 403", p.Status)
	}
	b.MustPage("/console/queue/L1")
	p := b.Post("/console/logout", url.Values{"csrf": {b.CSRF(q)}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/login" {
		t.Fatalf("sign out: %d to %q, want 303 to sign in", p.Status, p.Location())
	}
	if c := sessionCookie(t, p); c.MaxAge >= 0 {
		t.Errorf("sign out does not clear the cookie: %+v", c)
	}
	if p := b.Get("/console/queue/L1"); p.Status != http.StatusSeeOther {
		t.Errorf("after sign out the queue answers %d, want 303", p.Status)
	}
}

// Ensure the cookie is Secure when tierline's address is https, as its
// links are.
func TestConsoleCookieSecureOverHTTPS(t *testing.T) {
	a := MustOpenAPIWith(t, consoleConfig+"base_url: https://tierline.example\n", httpapi.Options{})
	p := NewBrowser(t, a).Post("/console/login", url.Values{"key": {apiKey}})
	if c := sessionCookie(t, p); !c.Secure || p.Location() != "https://tierline.example/console/queue/L1" {
		t.Errorf("cookie %+v to %q, want Secure and the https address", c, p.Location())
	}
}

// Ensure a config with no secret to sign sessions with has the console
// off, saying how to turn it on, rather than signing with a made-up key.
func TestConsoleOffWithoutSecret(t *testing.T) {
	b := NewBrowser(t, MustOpenAPI(t))
	for _, path := range []string{"/console/", "/console/login", "/console/queue/L1"} {
		p := b.Get(path)
		if p.Status != http.StatusNotFound || !strings.Contains(p.Body, "action_links") {
			t.Errorf("GET %s: %d %s, want 404 saying to set action_links", path, p.Status, p.Body)
		}
	}
	if p := b.Post("/console/login", url.Values{"key": {apiKey}}); p.Status != http.StatusNotFound || len(p.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("sign in with the console off: %d, cookies %q; want 404 and none", p.Status, p.Header.Values("Set-Cookie"))
	}
}
