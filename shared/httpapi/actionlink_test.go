package httpapi_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
)

const actionsSecret = "actions-secret-for-httpapi-tests-0123456789"

// actionConfig is testConfig with action links.
const actionConfig = testConfig + "action_links: {secret: " + actionsSecret + ", expire: 2h}\n"

// linkSigner signs links as the notifier of actionConfig does.
var linkSigner = actionlink.New(policy.NewLinkKey(actionsSecret), 2*time.Hour)

// ActionAPI is an API with action links and a ticket whose title is markup.
type ActionAPI struct {
	*API
	ID string
}

func MustOpenActions(tb testing.TB) *ActionAPI {
	tb.Helper()
	a := &ActionAPI{API: MustOpenAPIWith(tb, actionConfig, httpapi.Options{})}
	a.ID = a.MustCreate(tb, `<script>alert("x")</script> disk full`)
	return a
}

// Link is the path of a signed link for the ticket, as a hand-off's.
func (a *ActionAPI) Link(tb testing.TB, action actionlink.Action, notice int) string {
	tb.Helper()
	tok, err := linkSigner.Make(a.ID, action, notice, "oncall-slack", a.Clock.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return "/a/" + tok
}

// Page fetches path as a browser would.
func (a *ActionAPI) Page(tb testing.TB, method, path string) Response {
	tb.Helper()
	return a.Do(tb, Request{Method: method, Path: path})
}

// Confirm posts the confirm page's form with header.
func (a *ActionAPI) Confirm(tb testing.TB, path string, form url.Values, header http.Header) Response {
	tb.Helper()
	req, err := http.NewRequest("POST", a.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = header.Clone()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// MustCSRF reads the CSRF token of a confirm page.
func MustCSRF(tb testing.TB, page Response) string {
	tb.Helper()
	m := csrfField.FindSubmatch(page.Body)
	if m == nil {
		tb.Fatalf("no CSRF token on the page:\n%s", page.Body)
	}
	return html.UnescapeString(string(m[1]))
}

// sameOrigin is what a browser sends posting tierline's own page.
func (a *ActionAPI) sameOrigin() http.Header {
	return Headers("Origin", a.URL, "Sec-Fetch-Site", "same-origin")
}

// AssertPage checks a page's status, the headers every action page has,
// and that it says each of want.
func AssertPage(tb testing.TB, r Response, status int, want ...string) {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("Status=%d, want %d; body:\n%s", r.Status, status, r.Body)
	}
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src") {
		tb.Errorf("CSP %q: want default-src 'none', frame-ancestors 'none' and no script", csp)
	}
	if r.Header.Get("Referrer-Policy") != "same-origin" || r.Header.Get("Cache-Control") != "no-store" {
		tb.Errorf("Referrer-Policy %q Cache-Control %q: a link is a credential", r.Header.Get("Referrer-Policy"), r.Header.Get("Cache-Control"))
	}
	body := html.UnescapeString(string(r.Body))
	for _, w := range want {
		if !strings.Contains(body, w) {
			tb.Errorf("page lacks %q:\n%s", w, r.Body)
		}
	}
	if strings.Contains(string(r.Body), "<script>") {
		tb.Errorf("the page carries a <script> element from the title:\n%s", r.Body)
	}
}

// Ensure fetching an acknowledge link, however often (a link previewer, a
// mail scanner), shows the confirm page and changes nothing; the page's
// button acknowledges as the link for the name given; and the link then
// says it was used.
func TestActionLinkAcknowledge(t *testing.T) {
	t.Parallel()
	a := MustOpenActions(t)
	link := a.Link(t, actionlink.Acknowledge, 1)
	before := a.MustSnapshot(t)
	var page Response
	for range 2 {
		page = a.Page(t, "GET", link)
		AssertPage(t, page, http.StatusOK, "Acknowledge this ticket?", `<script>alert("x")</script> disk full`, "L1 (oncall-slack)", "Acknowledge by")
	}
	if head := a.Page(t, "HEAD", link); head.Status != http.StatusOK {
		t.Errorf("HEAD: %d", head.Status)
	}
	a.AssertUnchanged(t, before)

	done := a.Confirm(t, link, url.Values{"csrf": {MustCSRF(t, page)}, "name": {"alice"}}, a.sameOrigin())
	AssertPage(t, done, http.StatusOK, "Acknowledged: it is yours", "acknowledged by link:L1/oncall-slack (as alice)")
	tk := a.MustGet(t, a.ID)
	last := tk.Timeline[len(tk.Timeline)-1]
	if tk.Status != "acknowledged" || tk.Assignee != "alice" || last.Kind != "acknowledged" || last.Actor != "link:L1/oncall-slack" || last.OnBehalf != "alice" {
		t.Fatalf("ticket %s assignee %q, last event %+v; want acknowledged by the link for alice", tk.Status, tk.Assignee, last)
	}

	AssertPage(t, a.Page(t, "GET", link), http.StatusOK, "Already acknowledged", "link:L1/oncall-slack (as alice) acknowledged it")
	again := a.Confirm(t, link, url.Values{"csrf": {MustCSRF(t, page)}}, a.sameOrigin())
	AssertPage(t, again, http.StatusConflict, "Already acknowledged")
	if got := a.MustGet(t, a.ID); got.Version != tk.Version {
		t.Errorf("a second post changed the ticket: version %d → %d", tk.Version, got.Version)
	}
}

// Ensure a post that did not come from the link's own confirm page is
// refused and changes nothing: no CSRF token, another link's, another
// site's page (Origin, Sec-Fetch-Site), a view link.
func TestActionLinkRefusesForgedPosts(t *testing.T) {
	t.Parallel()
	a := MustOpenActions(t)
	link := a.Link(t, actionlink.Acknowledge, 1)
	csrf := MustCSRF(t, a.Page(t, "GET", link))
	other := MustCSRF(t, a.Page(t, "GET", "/a/"+func() string {
		tok, _ := linkSigner.Make(a.ID, actionlink.Acknowledge, 1, "oncall-teams", a.Clock.Now())
		return tok
	}()))
	before := a.MustSnapshot(t)
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
		status int
		says   string
	}{
		{"no_csrf", url.Values{}, a.sameOrigin(), http.StatusForbidden, "lacks the token"},
		{"another_links_csrf", url.Values{"csrf": {other}}, a.sameOrigin(), http.StatusForbidden, "lacks the token"},
		{"the_link_as_csrf", url.Values{"csrf": {strings.TrimPrefix(link, "/a/")}}, a.sameOrigin(), http.StatusForbidden, "lacks the token"},
		{"cross_site_origin", url.Values{"csrf": {csrf}}, Headers("Origin", "https://evil.example"), http.StatusForbidden, "Another site"},
		{"null_origin", url.Values{"csrf": {csrf}}, Headers("Origin", "null"), http.StatusForbidden, "Another site"},
		{"cross_site_fetch", url.Values{"csrf": {csrf}}, Headers("Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "Another site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AssertPage(t, a.Confirm(t, link, tt.form, tt.header), tt.status, tt.says)
		})
	}
	view := a.Link(t, actionlink.View, 1)
	AssertPage(t, a.Confirm(t, view, url.Values{"csrf": {MustCSRF(t, a.Page(t, "GET", link))}}, a.sameOrigin()),
		http.StatusMethodNotAllowed, "only shows the ticket")
	a.AssertUnchanged(t, before)
}

// Ensure an expired, a broken and a superseded link each say so plainly,
// link to the console, and act on nothing.
func TestActionLinkUsedExpiredBroken(t *testing.T) {
	t.Parallel()
	a := MustOpenActions(t)
	link := a.Link(t, actionlink.Acknowledge, 1)
	csrf := MustCSRF(t, a.Page(t, "GET", link))
	console := "/console/tickets/" + a.ID

	broken := link[:len(link)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(link, "A")]
	AssertPage(t, a.Page(t, "GET", broken), http.StatusNotFound, "This link does not work", "/console/")
	AssertPage(t, a.Page(t, "GET", "/a/nonsense"), http.StatusNotFound, "This link does not work")

	a.MustAct(t, a.ID, "escalate", `{"note": "cleared /tmp, still full"}`)
	before := a.MustSnapshot(t)
	AssertPage(t, a.Page(t, "GET", link), http.StatusOK, "This page is out of date", "L2 has it now", console)
	AssertPage(t, a.Confirm(t, link, url.Values{"csrf": {csrf}}, a.sameOrigin()), http.StatusConflict, "out of date")
	a.AssertUnchanged(t, before)

	latest := a.Link(t, actionlink.Acknowledge, 2)
	a.Clock.Add(2 * time.Hour)
	AssertPage(t, a.Page(t, "GET", latest), http.StatusGone, "This link has expired", console)
	AssertPage(t, a.Confirm(t, latest, url.Values{"csrf": {MustCSRFOf(latest)}}, a.sameOrigin()), http.StatusGone, "expired")
	a.AssertUnchanged(t, before)
}

// MustCSRFOf is the CSRF token the confirm page of link carries.
func MustCSRFOf(link string) string { return linkSigner.CSRF(strings.TrimPrefix(link, "/a/")) }

// Ensure a view link shows the ticket as it is now with its hand-off,
// without signing in, and acts on nothing.
func TestActionLinkView(t *testing.T) {
	t.Parallel()
	a := MustOpenActions(t)
	a.MustAct(t, a.ID, "notes", `{"note": "rebooted <b>db-1</b>"}`)
	a.MustAct(t, a.ID, "escalate", `{"note": "still full after reboot"}`)
	before := a.MustSnapshot(t)
	view := a.Link(t, actionlink.View, 2)
	for range 2 {
		AssertPage(t, a.Page(t, "GET", view), http.StatusOK, `<script>alert("x")</script> disk full`, "still full after reboot",
			"rebooted <b>db-1</b> (ops)", "L2 (oncall-slack) was paged", "/console/tickets/"+a.ID)
	}
	if page := a.Page(t, "GET", view); strings.Contains(string(page.Body), "<b>db-1") || strings.Contains(string(page.Body), "<form") {
		t.Errorf("the view page renders markup from a note, or has a form:\n%s", page.Body)
	}
	a.AssertUnchanged(t, before)
}

// Ensure a config without action_links opens no link: they are all broken.
func TestActionLinksOff(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "disk")
	tok, _ := linkSigner.Make(id, actionlink.Acknowledge, 1, "l1", a.Clock.Now())
	if r := a.Do(t, Request{Method: "GET", Path: "/a/" + tok}); r.Status != http.StatusNotFound {
		t.Errorf("Status=%d, want 404 without action_links", r.Status)
	}
}
