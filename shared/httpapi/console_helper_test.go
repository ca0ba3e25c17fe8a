package httpapi_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tierline/tierline/shared/httpapi"
)

// consoleSecret signs the console's sessions in consoleConfig.
const consoleSecret = "console-test-secret-0123456789-abcdefghijkl"

// consoleConfig is testConfig with the action links' secret, which the
// console derives its keys from.
const consoleConfig = testConfig + `action_links: {secret: "` + consoleSecret + `"}
`

// Browser is a person at the console: a client with a cookie jar that
// does not follow redirects, so that tests see each 303.
type Browser struct {
	*API
	tb     testing.TB
	client *http.Client
}

// Page is an answer of the console, its body read.
type Page struct {
	Status int
	Header http.Header
	Body   string
}

// Location is where a redirect leads, as the server wrote it.
func (p Page) Location() string { return p.Header.Get("Location") }

// MustOpenConsole starts the API with consoleConfig and returns a
// browser, signed out.
func MustOpenConsole(tb testing.TB) *Browser {
	tb.Helper()
	return NewBrowser(tb, MustOpenAPIWith(tb, consoleConfig, httpapi.Options{}))
}

// NewBrowser returns another browser, signed out, at the same API.
func NewBrowser(tb testing.TB, a *API) *Browser {
	client := &http.Client{Jar: &jar{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Browser{API: a, tb: tb, client: client}
}

// jar keeps the cookies the server sets, as a browser would, except that
// it leaves expiry to the server: the tests' clock is not the machine's.
// A cookie set with a past Max-Age or no value is removed.
type jar struct {
	mu      sync.Mutex
	cookies map[string]*http.Cookie
}

func (j *jar) SetCookies(_ *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cookies == nil {
		j.cookies = map[string]*http.Cookie{}
	}
	for _, c := range cookies {
		if c.MaxAge < 0 || c.Value == "" {
			delete(j.cookies, c.Name)
			continue
		}
		j.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
	}
}

func (j *jar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	for _, c := range j.cookies {
		out = append(out, c)
	}
	return out
}

// Do sends req and reads the answer.
func (b *Browser) Do(req *http.Request) Page {
	b.tb.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return Page{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

// Get fetches path of the console's server.
func (b *Browser) Get(path string) Page {
	b.tb.Helper()
	req, err := http.NewRequest("GET", b.URL+path, nil)
	if err != nil {
		b.tb.Fatal(err)
	}
	return b.Do(req)
}

// Post sends form to path as a browser's form post (no Origin: the
// token alone decides, as for a client that is no browser).
func (b *Browser) Post(path string, form url.Values) Page {
	b.tb.Helper()
	return b.Do(b.postRequest(path, form))
}

func (b *Browser) postRequest(path string, form url.Values) *http.Request {
	b.tb.Helper()
	req, err := http.NewRequest("POST", b.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// MustSignIn signs in with key and expects the redirect to the L1 queue.
func (b *Browser) MustSignIn(key string) {
	b.tb.Helper()
	p := b.Post("/console/login", url.Values{"key": {key}})
	if p.Status != http.StatusSeeOther || p.Location() != b.URL+"/console/queue/L1" {
		b.tb.Fatalf("sign in: %d to %q, want 303 to the L1 queue; body %s", p.Status, p.Location(), p.Body)
	}
}

// MustPage fetches path and expects it to be shown (200).
func (b *Browser) MustPage(path string) Page {
	b.tb.Helper()
	p := b.Get(path)
	if p.Status != http.StatusOK {
		b.tb.Fatalf("GET %s: %d (to %q), want 200; body %s", path, p.Status, p.Location(), p.Body)
	}
	return p
}

var consoleCSRFField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF is the CSRF token of the forms of page p.
func (b *Browser) CSRF(p Page) string {
	b.tb.Helper()
	m := consoleCSRFField.FindStringSubmatch(p.Body)
	if m == nil {
		b.tb.Fatalf("the page has no CSRF token: %s", p.Body)
	}
	return m[1]
}

// Act opens ticket id's page and posts its form for action with fields,
// and the page's token, as pressing its button would.
func (b *Browser) Act(id, action string, fields url.Values) Page {
	b.tb.Helper()
	page := b.MustPage("/console/tickets/" + id)
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("csrf", b.CSRF(page))
	return b.Post("/console/tickets/"+id+"/"+action, fields)
}

// MustAct is Act that expects the redirect back to the ticket's page, and
// returns that page.
func (b *Browser) MustAct(id, action string, fields url.Values) Page {
	b.tb.Helper()
	p := b.Act(id, action, fields)
	want := b.URL + "/console/tickets/" + id + "?done=" + action
	if p.Status != http.StatusSeeOther || p.Location() != want {
		b.tb.Fatalf("%s %s: %d to %q, want 303 to %s; body %s", action, id, p.Status, p.Location(), want, p.Body)
	}
	return b.MustPage(strings.TrimPrefix(p.Location(), b.URL))
}

// Text is the text of the element of page p with id, tags stripped.
func Text(tb testing.TB, p Page, id string) string {
	tb.Helper()
	re := regexp.MustCompile(`(?s)<(\w+)[^>]* id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</(\w+)>`)
	m := re.FindStringSubmatch(p.Body)
	if m == nil {
		tb.Fatalf("the page has no element #%s: %s", id, p.Body)
	}
	return html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[2], "")))
}

// Timeline is the text of each event of a ticket page's timeline.
func Timeline(tb testing.TB, p Page) []string {
	tb.Helper()
	m := regexp.MustCompile(`(?s)<ol class="timeline" id="timeline">(.*?)</ol>`).FindStringSubmatch(p.Body)
	if m == nil {
		tb.Fatalf("the page has no timeline: %s", p.Body)
	}
	var out []string
	for _, li := range strings.Split(m[1], "<li>")[1:] {
		text := regexp.MustCompile(`<p[^>]*>`).ReplaceAllString(li, " ")
		text = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(text, "")
		out = append(out, html.UnescapeString(strings.Join(strings.Fields(text), " ")))
	}
	return out
}
