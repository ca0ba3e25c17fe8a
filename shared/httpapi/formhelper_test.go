package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/wire"
)

// Secrets and origins of formsConfig.
const (
	formsSecret = "forms-secret-for-httpapi-tests-0123456789"
	intranet    = "https://intranet.example"
)

// formsConfig has the form it-help of the README, a second form, a generic
// integration and the ops api key. Password requests go to L1 as P4.
const formsConfig = `
integrations:
  - {name: monitor, kind: generic, token: "` + hookToken + `"}
forms_secret: "` + formsSecret + `"
forms:
  - name: it-help
    title: IT help
    description: Tell us what is wrong & we will get back to you.
    categories: [password, hardware, software, network]
    origins: ["` + intranet + `"]
  - {name: facilities, title: Facilities, categories: [badge]}
routes:
  - {match: {category: password}, tier: L1, priority: P4}
  - {match: {severity: critical}, tier: L2, priority: P1}
api_keys:
  - {name: ops, key: "` + apiKey + `"}
`

// FormsAPI is the real stack of MustOpenAPI under formsConfig.
type FormsAPI struct {
	*API
}

// MustOpenForms starts the API under formsConfig on a fresh database.
func MustOpenForms(tb testing.TB) *FormsAPI {
	tb.Helper()
	return &FormsAPI{API: MustOpenAPIWith(tb, formsConfig, httpapi.Options{})}
}

// noRedirects is a client that returns a redirect instead of following
// it, so that tests see the 303 of Post/Redirect/Get.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Send sends a request with header and body (none when empty) without
// following redirects. Path may be a whole URL.
func (a *FormsAPI) Send(tb testing.TB, method, path string, header http.Header, body string) Response {
	tb.Helper()
	if !strings.HasPrefix(path, "http") {
		path = a.URL + path
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, path, rd)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Headers builds a header from name, value pairs.
func Headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// browser is what a browser's form post sends besides the body.
func browser(contentType string) http.Header {
	return Headers("Content-Type", contentType, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
}

// fetchJSON is what a page's fetch with a JSON body sends.
func fetchJSON() http.Header {
	return Headers("Content-Type", "application/json", "Accept", "application/json")
}

// MustReadEvent reads a sample from events/forms.
func MustReadEvent(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "forms", name))
	if err != nil {
		tb.Fatalf("read sample: %v", err)
	}
	return string(b)
}

// multipartType is the Content-Type of a multipart sample: its boundary is
// its first line, after the "--".
func multipartType(tb testing.TB, body string) string {
	tb.Helper()
	first, _, ok := strings.Cut(body, "\r\n")
	if !ok || !strings.HasPrefix(first, "--") {
		tb.Fatalf("multipart sample does not start with a CRLF boundary line")
	}
	return "multipart/form-data; boundary=" + strings.TrimPrefix(first, "--")
}

// statusLink matches a status link and captures its form, ticket and signature.
var statusLink = regexp.MustCompile(`^(https?://[^/]+)/forms/([a-z0-9_-]+)/status/([0-9a-z]{14})/([A-Za-z0-9_-]{22})$`)

// MustFiled checks the answer to a filed request, 303 to a status link for
// a browser or 201 {"ticket", "status_url"} for a script, and returns the
// ticket's ID and its status link.
func MustFiled(tb testing.TB, r Response, script bool) (id, link string) {
	tb.Helper()
	if script {
		if r.Status != http.StatusCreated {
			tb.Fatalf("Status=%v, want %v; body %s", r.Status, http.StatusCreated, r.Body)
		}
		var got wire.FormReceipt
		MustDecode(tb, r, &got)
		id, link = got.Ticket, got.StatusURL
	} else {
		if r.Status != http.StatusSeeOther {
			tb.Fatalf("Status=%v, want %v; body %s", r.Status, http.StatusSeeOther, r.Body)
		}
		link = r.Header.Get("Location")
	}
	m := statusLink.FindStringSubmatch(link)
	if m == nil {
		tb.Fatalf("status link %q is not base/forms/{form}/status/{id}/{sig}", link)
	}
	if id != "" && m[3] != id {
		tb.Errorf("status link %q is for %s, want %s", link, m[3], id)
	}
	return m[3], link
}

// statusSig is the signature of a status link as tierline makes it:
// HMAC-SHA256 under the forms secret of "tierline form status v1", the
// form and the ticket ID, cut to 16 bytes. Tests use it to forge links
// that are valid but for the wrong ticket.
func statusSig(form, id string) string {
	sum := policy.NewLinkKey(formsSecret).Sum("tierline form status v1\x00" + form + "\x00" + id)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// fieldError is the JSON answer to a submission refused for its fields.
type fieldError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// MustFieldErrors checks a 422 JSON answer and returns its fields.
func MustFieldErrors(tb testing.TB, r Response) map[string]string {
	tb.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		tb.Fatalf("Status=%v, want %v; body %s", r.Status, http.StatusUnprocessableEntity, r.Body)
	}
	var e fieldError
	MustDecode(tb, r, &e)
	if e.Error.Code != "invalid" || e.Error.Message == "" {
		tb.Errorf("error %+v, want code invalid and a message", e.Error)
	}
	return e.Error.Fields
}

// form encodes fields as a browser's urlencoded body.
func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// valid is a complete request as urlencoded fields, with key.
func valid(key string) []string {
	return []string{"name", "Ann Lee", "email", "ann@acme.test", "category", "software", "impact", "low",
		"subject", "Excel crashes on start", "details", "Since the update.", "idempotency_key", key, "website", ""}
}

// mustJSON encodes v.
func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
