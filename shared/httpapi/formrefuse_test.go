package httpapi_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/httpapi"
)

// Ensure every refused submission gets its own status and an error that
// says what to fix, and stores nothing.
func TestFormSubmit_refused(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	a.MustCreate(t, "existing")
	before := a.MustSnapshot(t)
	urlencoded := "application/x-www-form-urlencoded"
	ok := form(valid("REFUSEDREFUSEDREFUSED")...)
	const boundary = "----WebKitFormBoundaryRefused0001"
	part := func(name, disposition, value string) string {
		return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" + disposition + "\r\n\r\n" + value + "\r\n"
	}
	tests := []struct {
		name   string
		path   string
		header http.Header
		body   string
		status int
		code   string
		msg    []string
	}{
		// Ensure a form that is not configured is not found.
		{name: "unknown_form", path: "/forms/hr", header: browser(urlencoded), body: ok,
			status: http.StatusNotFound, code: "not_found", msg: []string{`no form named "hr"`}},
		// Ensure a page of another site may not post, and is told how that could change.
		{name: "wrong_origin", header: Headers("Content-Type", urlencoded, "Origin", "https://evil.example"), body: ok,
			status: http.StatusForbidden, code: "forbidden", msg: []string{`"https://evil.example"`, `form "it-help"`, "origins"}},
		// Ensure an allowed host on another scheme is another origin.
		{name: "origin_other_scheme", header: Headers("Content-Type", urlencoded, "Origin", "http://intranet.example"), body: ok,
			status: http.StatusForbidden, code: "forbidden", msg: []string{`"http://intranet.example"`}},
		// Ensure the opaque origin of sandboxed frames and no-referrer pages is refused.
		{name: "origin_null", header: Headers("Content-Type", urlencoded, "Origin", "null"), body: ok,
			status: http.StatusForbidden, code: "forbidden", msg: []string{`"null"`}},
		// Ensure an origin of another form is not this form's.
		{name: "origin_of_no_form", path: "/forms/facilities", header: Headers("Content-Type", urlencoded, "Origin", intranet),
			body:   form("name", "a", "email", "a@b.cd", "category", "badge", "subject", "s"),
			status: http.StatusForbidden, code: "forbidden", msg: []string{`form "facilities"`}},
		// Ensure a content type forms do not send is refused with the ones they do.
		{name: "text_plain", header: Headers("Content-Type", "text/plain"), body: "name=x",
			status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: []string{"text/plain", "application/x-www-form-urlencoded"}},
		// Ensure a body without a content type is refused.
		{name: "no_content_type", body: ok,
			status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: []string{"content type none"}},
		// Ensure a body over the cap is refused by its Content-Length.
		{name: "too_large", header: browser(urlencoded), body: ok + "&details=" + strings.Repeat("x", httpapi.MaxFormBody),
			status: http.StatusRequestEntityTooLarge, code: "too_large", msg: []string{"65536"}},
		// Ensure a urlencoded body that does not decode is malformed.
		{name: "urlencoded_broken", header: browser(urlencoded), body: "name=%zz",
			status: http.StatusBadRequest, code: "malformed", msg: []string{"application/x-www-form-urlencoded"}},
		// Ensure multipart without a boundary is malformed.
		{name: "multipart_no_boundary", header: browser("multipart/form-data"), body: part("name", "", "x"),
			status: http.StatusBadRequest, code: "malformed", msg: []string{"boundary"}},
		// Ensure multipart cut short is malformed.
		{name: "multipart_cut_short", header: browser("multipart/form-data; boundary=" + boundary), body: part("name", "", "x"),
			status: http.StatusBadRequest, code: "malformed", msg: []string{"multipart/form-data"}},
		// Ensure a body that is not JSON is malformed.
		{name: "json_broken", header: fetchJSON(), body: `{"name": "x",`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"}},
		// Ensure a JSON body that is not an object says what to send.
		{name: "json_list", header: fetchJSON(), body: `[{"name": "x"}]`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"send a JSON object with the fields name, email"}},
		// Ensure JSON null is not an object either.
		{name: "json_null", header: fetchJSON(), body: `null`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"send a JSON object"}},
		// Ensure an unknown JSON field is named: a script's typo would lose an answer.
		{name: "json_unknown_field", header: fetchJSON(), body: `{"name": "x", "subjet": "typo"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{`unknown field "subjet"`, "subject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "/forms/it-help"
			}
			resp := a.Send(t, "POST", path, tt.header, tt.body)
			AssertError(t, resp, tt.status, tt.code, tt.msg...)
			if acao := resp.Header.Get("Access-Control-Allow-Origin"); acao != "" && tt.status == http.StatusForbidden {
				t.Errorf("Access-Control-Allow-Origin=%q on a refused origin", acao)
			}
			a.AssertUnchanged(t, before)
		})
	}

	// Ensure a body over the cap is refused while it streams, without a Content-Length.
	t.Run("too_large_chunked", func(t *testing.T) {
		resp := a.Do(t, Request{Method: "POST", Path: "/forms/it-help", ContentType: urlencoded, Length: -1,
			Body: strings.NewReader(ok + "&details=" + strings.Repeat("x", httpapi.MaxFormBody))})
		AssertError(t, resp, http.StatusRequestEntityTooLarge, "too_large", "65536")
		a.AssertUnchanged(t, before)
	})
}

// Ensure fields a script gets wrong are each named in a 422 answer, and
// nothing is stored.
func TestFormSubmit_fieldErrors(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	before := a.MustSnapshot(t)
	const boundary = "----FormBoundaryFieldErrors"
	multipart := func(parts ...string) string {
		var b strings.Builder
		for i := 0; i+2 < len(parts); i += 3 {
			b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + parts[i] + "\"" + parts[i+1] + "\r\n\r\n" + parts[i+2] + "\r\n")
		}
		b.WriteString("--" + boundary + "--\r\n")
		return b.String()
	}
	script := func(ct string) http.Header { return Headers("Content-Type", ct, "Accept", "application/json") }
	tests := []struct {
		name   string
		header http.Header
		body   string
		want   map[string]string
	}{
		// Ensure an empty object names every required field.
		{name: "json_empty", header: fetchJSON(), body: `{}`, want: map[string]string{
			"name": "Enter your name.", "email": "Enter your e-mail address, so that we can reach you.",
			"category": "Choose a category.", "subject": "Say in a few words what you need."}},
		// Ensure a value that is not text is named.
		{name: "json_number", header: fetchJSON(), body: `{"name": "x", "email": 42, "category": ["software"]}`, want: map[string]string{
			"email": "Send text: a JSON string.", "category": "Send text: a JSON string."}},
		// Ensure null counts as leaving a field out.
		{name: "json_null_field", header: fetchJSON(),
			body: `{"name": "Ann", "email": "ann@acme.test", "category": "software", "subject": null}`,
			want: map[string]string{"subject": "Say in a few words what you need."}},
		// Ensure choices a form does not offer are named with the ones it does.
		{name: "unknown_choices", header: script("application/x-www-form-urlencoded"),
			body: form("name", "Ann", "email", "ann@acme.test", "category", "printer", "impact", "huge", "subject", "s"),
			want: map[string]string{"category": "Choose one of: password, hardware, software, network.",
				"impact": "Choose one of: low, medium, high, or leave it empty."}},
		// Ensure a field sent twice is named.
		{name: "field_twice", header: script("application/x-www-form-urlencoded"),
			body: form(append(valid("TWICETWICETWICETWICE"), "category", "hardware")...),
			want: map[string]string{"category": "Send this field once; the page sends it twice."}},
		// Ensure a file is refused on its field: forms take text only.
		{name: "multipart_file", header: script("multipart/form-data; boundary=" + boundary),
			body: multipart("name", "", "Ann", "email", "", "ann@acme.test", "category", "", "software", "subject", "", "s",
				"screenshot", `; filename="crash.png"`, "\x89PNG\r\n"),
			want: map[string]string{"screenshot": "Files cannot be attached; describe the problem in the details, or link to the file."}},
		// Ensure a bad idempotency key is named: the page should make a new one.
		{name: "bad_key", header: script("application/x-www-form-urlencoded"), body: form(valid("short")...),
			want: map[string]string{"idempotency_key": "The form's key must be 16 to 128 letters, digits, - or _. Reload the form and send it again."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MustFieldErrors(t, a.Send(t, "POST", "/forms/it-help", tt.header, tt.body))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields %q, want %q", got, tt.want)
			}
			a.AssertUnchanged(t, before)
		})
	}

	// Ensure an empty file input (no file chosen) is no file.
	t.Run("multipart_empty_file_input", func(t *testing.T) {
		body := multipart("name", "", "Ann", "email", "", "ann@acme.test", "category", "", "software", "subject", "", "s",
			"screenshot", `; filename=""`, "")
		MustFiled(t, a.Send(t, "POST", "/forms/it-help", script("multipart/form-data; boundary="+boundary), body), true)
	})
}
