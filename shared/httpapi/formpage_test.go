package httpapi_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// FormPage is a form page as a test reads it: the values its fields
// show, its idempotency key and its errors, by field.
type FormPage struct {
	Body   string
	Key    string
	Values map[string]string
	Errors map[string]string
}

var (
	keyInput    = regexp.MustCompile(`<input type="hidden" name="idempotency_key" value="([^"]*)">`)
	inputValue  = regexp.MustCompile(`<input id="f-(\w+)" name="\w+" [^>]*value="([^"]*)"`)
	selectTag   = regexp.MustCompile(`(?s)<select id="f-(\w+)".*?</select>`)
	selected    = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	textarea    = regexp.MustCompile(`(?s)<textarea id="f-(\w+)"[^>]*>(.*?)</textarea>`)
	fieldErrorP = regexp.MustCompile(`<p class="error" id="f-(\w+)-error">([^<]*)</p>`)
)

// MustFormPage checks that r is a form page with status and reads it.
func MustFormPage(tb testing.TB, r Response, status int) FormPage {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("Status=%v, want %v; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		tb.Errorf("Content-Type=%q, want text/html; charset=utf-8", ct)
	}
	p := FormPage{Body: string(r.Body), Values: map[string]string{}, Errors: map[string]string{}}
	m := keyInput.FindStringSubmatch(p.Body)
	if m == nil {
		tb.Fatalf("no idempotency key in the page:\n%s", p.Body)
	}
	p.Key = m[1]
	for _, m := range inputValue.FindAllStringSubmatch(p.Body, -1) {
		p.Values[m[1]] = html.UnescapeString(m[2])
	}
	for _, s := range selectTag.FindAllStringSubmatch(p.Body, -1) {
		p.Values[s[1]] = ""
		if m := selected.FindStringSubmatch(s[0]); m != nil {
			p.Values[s[1]] = html.UnescapeString(m[1])
		}
	}
	for _, m := range textarea.FindAllStringSubmatch(p.Body, -1) {
		p.Values[m[1]] = html.UnescapeString(m[2])
	}
	for _, m := range fieldErrorP.FindAllStringSubmatch(p.Body, -1) {
		p.Errors[m[1]] = html.UnescapeString(m[2])
	}
	return p
}

// AssertPageHeaders checks the headers every form page has.
func AssertPageHeaders(tb testing.TB, r Response, frames string) {
	tb.Helper()
	want := map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			tb.Errorf("%s=%q, want %q", k, got, v)
		}
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "style-src 'sha256-", "form-action 'self'", "frame-ancestors " + frames, "base-uri 'none'"} {
		if !strings.Contains(csp, d) {
			tb.Errorf("Content-Security-Policy=%q, want %q in it", csp, d)
		}
	}
}

// Ensure the form page is complete, accessible and self-contained, and
// that each rendering has a key of its own.
func TestFormPage(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	resp := a.Send(t, "GET", "/forms/it-help", nil, "")
	p := MustFormPage(t, resp, http.StatusOK)
	AssertPageHeaders(t, resp, "'self' "+intranet)

	// Ensure the title, the escaped description and every category are shown.
	for _, want := range []string{`<html lang="en">`, `<title>IT help</title>`, `<h1>IT help</h1>`,
		`Tell us what is wrong &amp; we will get back to you.`, `<form method="post" accept-charset="utf-8">`,
		`<option value="password">password</option>`, `<option value="network">network</option>`,
		`<option value="high">High: I cannot work, or several people are affected</option>`,
		`<button type="submit">Send request</button>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Ensure every visible control has a label tied to it, and the required ones say so.
	controls := regexp.MustCompile(`<(input|select|textarea) id="([^"]+)"[^>]*>`).FindAllStringSubmatch(p.Body, -1)
	var ids []string
	for _, c := range controls {
		ids = append(ids, c[2])
		if !strings.Contains(p.Body, `<label for="`+c[2]+`">`) {
			t.Errorf("control %s has no <label for>", c[2])
		}
		required := strings.Contains(c[0], " required")
		if want := slices.Contains([]string{"f-name", "f-email", "f-category", "f-subject"}, c[2]); required != want {
			t.Errorf("control %s required=%v, want %v", c[2], required, want)
		}
	}
	if want := []string{"f-name", "f-email", "f-category", "f-impact", "f-subject", "f-details", "f-website"}; !slices.Equal(ids, want) {
		t.Errorf("controls %v, want %v", ids, want)
	}
	// Ensure the honeypot is hidden from people, screen readers and the tab order.
	if !regexp.MustCompile(`<div class="hp" aria-hidden="true">\s*<label for="f-website">Leave this field empty</label>\s*<input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value="">`).MatchString(p.Body) {
		t.Error("the honeypot is not a hidden, untabbable, empty field")
	}
	// Ensure nothing runs or loads: no script, no external address.
	if strings.Contains(p.Body, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(p.Body) {
		t.Error("the page has a script or loads something from elsewhere")
	}
	// Ensure a fresh page has no errors and empty fields.
	if len(p.Errors) != 0 || strings.Contains(p.Body, `role="alert"`) || p.Values["name"] != "" || p.Values["category"] != "" {
		t.Errorf("fresh page: errors %v, values %v", p.Errors, p.Values)
	}
	// Ensure each rendering has its own key.
	if other := MustFormPage(t, a.Send(t, "GET", "/forms/it-help", nil, ""), http.StatusOK); other.Key == p.Key || len(p.Key) < 16 {
		t.Errorf("keys %q and %q, want two different keys of 16 characters or more", p.Key, other.Key)
	}
	// Ensure a form without origins may be framed only by tierline itself.
	AssertPageHeaders(t, a.Send(t, "GET", "/forms/facilities", nil, ""), "'self';")
}

// Ensure a form that is not configured is a 404 page, and a method the
// route does not take is a 405 that lists those it does.
func TestFormPage_notFound(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	resp := a.Send(t, "GET", "/forms/nope", nil, "")
	if resp.Status != http.StatusNotFound || !strings.Contains(string(resp.Body), "There is no such form") {
		t.Errorf("Status=%v, want 404 saying there is no such form; body %s", resp.Status, resp.Body)
	}
	AssertPageHeaders(t, resp, "'self';")
	resp = a.Send(t, "PUT", "/forms/it-help", nil, "")
	AssertError(t, resp, http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD, POST, OPTIONS")
	if allow := resp.Header.Get("Allow"); allow != "GET, HEAD, POST, OPTIONS" {
		t.Errorf("Allow=%q, want GET, HEAD, POST, OPTIONS", allow)
	}
}

// Ensure a browser post with wrong fields gets the form again, 422, with
// an error beside each wrong field and in the summary, every answer kept
// and escaped, and the same key; and that nothing is stored.
func TestFormPage_shownAgainWithErrors(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	before := a.MustSnapshot(t)
	const key = "KEEPKEEPKEEPKEEPKEEP"
	body := form("name", `"><script>alert(1)</script>`, "email", "not-an-address", "category", "PASSWORD",
		"impact", "huge", "subject", "", "details", "</textarea><script>alert(2)</script>", "idempotency_key", key, "website", "")
	resp := a.Send(t, "POST", "/forms/it-help", browser("application/x-www-form-urlencoded"), body)
	p := MustFormPage(t, resp, http.StatusUnprocessableEntity)
	AssertPageHeaders(t, resp, "'self' "+intranet)
	want := map[string]string{
		"email":   "Enter an e-mail address like name@example.com, without your name around it.",
		"impact":  "Choose one of: low, medium, high, or leave it empty.",
		"subject": "Say in a few words what you need.",
	}
	if len(p.Errors) != len(want) {
		t.Errorf("errors %v, want %v", p.Errors, want)
	}
	for field, msg := range want {
		if p.Errors[field] != msg {
			t.Errorf("error of %s=%q, want %q", field, p.Errors[field], msg)
		}
		if !strings.Contains(p.Body, `<li><a href="#f-`+field+`">`+msg+`</a></li>`) {
			t.Errorf("the summary does not link %s's error to its field", field)
		}
		if !regexp.MustCompile(`id="f-` + field + `"[^>]*aria-invalid="true"`).MatchString(p.Body) {
			t.Errorf("field %s is not marked aria-invalid", field)
		}
	}
	if !strings.Contains(p.Body, `<title>Error: IT help</title>`) || !strings.Contains(p.Body, `There are 3 problems`) {
		t.Error("the title or the summary does not say there are errors")
	}
	// Ensure the answers are kept, the category in the form's spelling.
	if p.Values["name"] != `"><script>alert(1)</script>` || p.Values["email"] != "not-an-address" || p.Values["category"] != "password" ||
		p.Values["details"] != "</textarea><script>alert(2)</script>" || p.Key != key {
		t.Errorf("values %q, key %q, want the answers and key sent", p.Values, p.Key)
	}
	// Ensure they are escaped: no script made it into the page.
	if strings.Contains(p.Body, "<script") {
		t.Errorf("the page has a script element: answers were not escaped")
	}
	a.AssertUnchanged(t, before)
}
