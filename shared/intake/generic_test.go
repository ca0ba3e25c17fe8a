package intake_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
)

// request returns a generic hook request with body and content type ct
// (none when ct is empty).
func request(ct, body string) *intake.Request {
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return &intake.Request{Body: []byte(body), Header: h}
}

func TestGeneric(t *testing.T) {
	t.Parallel()
	const js = "application/json"
	tests := []struct {
		name string
		ct   string
		body string
		want []ticket.Signal
	}{
		{
			// Ensure the smallest useful alert is a title alone, and that it triggers.
			name: "minimal_alert",
			ct:   js,
			body: `{"title": "disk full on db-1"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "disk full on db-1"}},
		},
		{
			// Ensure every documented field reaches the signal.
			name: "every_field",
			ct:   js,
			body: `{
				"title": "disk full on db-1",
				"description": "/var is at 97%",
				"severity": "critical",
				"priority": "P2",
				"dedup_key": "db-1/disk",
				"action": "trigger",
				"source": "db-1",
				"category": "storage",
				"labels": {"team": "dba", "env": "prod"},
				"details": {"used": 97, "mount": "/var", "tags": ["a", "b"], "ok": false},
				"links": [{"href": "https://grafana.example/d/1", "text": "dashboard"}]
			}`,
			want: []ticket.Signal{{
				Action: ticket.Trigger, Title: "disk full on db-1", Description: "/var is at 97%",
				Severity: "critical", Priority: ticket.P2, DedupKey: "db-1/disk", Source: "db-1",
				Category: "storage", Labels: map[string]string{"team": "dba", "env": "prod"},
				Details: map[string]any{"used": 97.0, "mount": "/var", "tags": []any{"a", "b"}, "ok": false},
				Links:   []ticket.Link{{Href: "https://grafana.example/d/1", Text: "dashboard"}},
			}},
		},
		{
			// Ensure summary stands in for title, as in PagerDuty and GoAlert.
			name: "summary_as_title",
			ct:   js,
			body: `{"summary": "api latency high"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "api latency high"}},
		},
		{
			// Ensure a blank title is no title, so that summary stands in.
			name: "blank_title_uses_summary",
			ct:   js,
			body: `{"title": "  ", "summary": "api latency high"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "api latency high"}},
		},
		{
			// Ensure title wins over summary when a sender gives both.
			name: "title_over_summary",
			ct:   js,
			body: `{"title": "the title", "summary": "the summary"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "the title"}},
		},
		{
			// Ensure a list body gives one signal per alert, in order.
			name: "list_body",
			ct:   js,
			body: ` [{"title": "one", "dedup_key": "k1"}, {"dedup_key": "k2", "action": "resolve"}]`,
			want: []ticket.Signal{
				{Action: ticket.Trigger, Title: "one", DedupKey: "k1"},
				{Action: ticket.Resolve, DedupKey: "k2"},
			},
		},
		{
			// Ensure the firing/ack/ok words of other tools name our actions.
			name: "action_synonyms",
			ct:   js,
			body: `[{"dedup_key": "a", "action": "firing"}, {"dedup_key": "b", "action": "ACK"},
				{"dedup_key": "c", "action": " ok "}, {"dedup_key": "d", "action": "closed"},
				{"dedup_key": "e", "action": "acknowledged"}, {"dedup_key": "f", "action": "problem"}]`,
			want: []ticket.Signal{
				{Action: ticket.Trigger, DedupKey: "a"},
				{Action: ticket.Acknowledge, DedupKey: "b"},
				{Action: ticket.Resolve, DedupKey: "c"},
				{Action: ticket.Resolve, DedupKey: "d"},
				{Action: ticket.Acknowledge, DedupKey: "e"},
				{Action: ticket.Trigger, DedupKey: "f"},
			},
		},
		{
			// Ensure a link may be a bare URL string, beside link objects.
			name: "links_as_strings_and_objects",
			ct:   js,
			body: `{"title": "t", "links": ["https://runbooks.example/disk", {"href": "https://x.example", "text": "x"}, {"href": "http://y.example"}]}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t", Links: []ticket.Link{
				{Href: "https://runbooks.example/disk"},
				{Href: "https://x.example", Text: "x"},
				{Href: "http://y.example"},
			}}},
		},
		{
			// Ensure priority accepts the short form and lower case.
			name: "priority_short_form",
			ct:   js,
			body: `{"title": "t", "priority": "4"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t", Priority: ticket.P4}},
		},
		{
			// Ensure a charset parameter does not make JSON unsupported.
			name: "json_with_charset",
			ct:   "application/json; charset=utf-8",
			body: `{"title": "t"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t"}},
		},
		{
			// Ensure structured-syntax JSON types (RFC 6839 +json) are JSON.
			name: "vendor_json",
			ct:   "application/vnd.x+json",
			body: `{"title": "t"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t"}},
		},
		{
			// Ensure media types are compared without regard to case.
			name: "json_upper_case",
			ct:   "Application/JSON",
			body: `{"title": "t"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t"}},
		},
		{
			// Ensure unknown fields are ignored: senders add fields over time.
			name: "unknown_fields_ignored",
			ct:   js,
			body: `{"title": "t", "fingerprint": "abc", "extra": {"a": 1}}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "t"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := intake.Generic(request(tt.ct, tt.body))
			if err != nil {
				t.Fatalf("Generic: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Generic:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestGeneric_errors(t *testing.T) {
	t.Parallel()
	const js = "application/json"
	tests := []struct {
		name string
		ct   string
		body string
		code ticket.Code
		msg  []string // each must be in the message: what to fix
	}{
		{
			// Ensure an empty list is refused, not silently accepted.
			name: "empty_list",
			ct:   js, body: ` [ ] `,
			code: ticket.Invalid, msg: []string{"list", "empty"},
		},
		{
			// Ensure an unknown action names the actions there are.
			name: "bad_action",
			ct:   js, body: `{"title": "t", "action": "explode"}`,
			code: ticket.Invalid, msg: []string{`"explode"`, "trigger, acknowledge or resolve"},
		},
		{
			// Ensure a bad action in a list refuses the whole list.
			name: "bad_action_in_list",
			ct:   js, body: `[{"title": "ok"}, {"title": "t", "action": "explode"}]`,
			code: ticket.Invalid, msg: []string{`"explode"`},
		},
		{
			// Ensure an unknown priority names the range.
			name: "bad_priority",
			ct:   js, body: `{"title": "t", "priority": "P9"}`,
			code: ticket.Invalid, msg: []string{`"P9"`, "P1 to P5"},
		},
		{
			// Ensure a request without a content type is refused as unsupported.
			name: "missing_content_type",
			ct:   "", body: `{"title": "t"}`,
			code: ticket.Unsupported, msg: []string{"none", "Content-Type: application/json"},
		},
		{
			// Ensure text/plain is refused even when the body is JSON.
			name: "text_plain",
			ct:   "text/plain", body: `{"title": "t"}`,
			code: ticket.Unsupported, msg: []string{"text/plain", "Content-Type: application/json"},
		},
		{
			// Ensure form bodies are not taken for JSON.
			name: "form_urlencoded",
			ct:   "application/x-www-form-urlencoded", body: `title=t`,
			code: ticket.Unsupported, msg: []string{"application/x-www-form-urlencoded"},
		},
		{
			// Ensure an unparseable content type is refused, not guessed.
			name: "garbled_content_type",
			ct:   "application/json;;;=", body: `{"title": "t"}`,
			code: ticket.Unsupported, msg: []string{"Content-Type: application/json"},
		},
		{
			// Ensure a body that is not JSON is malformed.
			name: "malformed_json",
			ct:   js, body: `{"title": t}`,
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure a body cut short is malformed, not of the wrong shape.
			name: "truncated_json",
			ct:   js, body: `{"title": "disk full", "labels": {"a":`,
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure a list cut short is malformed too.
			name: "truncated_list",
			ct:   js, body: `[{"title": "disk full"},`,
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure an empty body is malformed.
			name: "empty_body",
			ct:   js, body: ``,
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure a body of blanks is malformed.
			name: "blank_body",
			ct:   js, body: " \n\t ",
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure trailing data after the alert is malformed.
			name: "trailing_data",
			ct:   js, body: `{"title": "t"} {"title": "u"}`,
			code: ticket.Malformed, msg: []string{"not valid JSON"},
		},
		{
			// Ensure a number for title is the wrong shape, and says which field.
			name: "number_for_title",
			ct:   js, body: `{"title": 42}`,
			code: ticket.Invalid, msg: []string{"title", "a string", "number"},
		},
		{
			// Ensure a list for labels is the wrong shape, and says which field.
			name: "list_for_labels",
			ct:   js, body: `{"title": "t", "labels": ["a", "b"]}`,
			code: ticket.Invalid, msg: []string{"labels", "an object", "array"},
		},
		{
			// Ensure a nested label value of the wrong type names the field.
			name: "number_label_value",
			ct:   js, body: `{"title": "t", "labels": {"a": 1}}`,
			code: ticket.Invalid, msg: []string{"labels", "a string"},
		},
		{
			// Ensure a string for details is the wrong shape.
			name: "string_for_details",
			ct:   js, body: `{"title": "t", "details": "text"}`,
			code: ticket.Invalid, msg: []string{"details", "an object"},
		},
		{
			// Ensure a link that is neither a string nor an object names links.
			name: "number_for_link",
			ct:   js, body: `{"title": "t", "links": [7]}`,
			code: ticket.Invalid, msg: []string{"links"},
		},
		{
			// Ensure a link object with a number for href names links.href.
			name: "number_for_link_href",
			ct:   js, body: `{"title": "t", "links": [{"href": 7}]}`,
			code: ticket.Invalid, msg: []string{"links.href", "a string"},
		},
		{
			// Ensure an object for links is the wrong shape.
			name: "object_for_links",
			ct:   js, body: `{"title": "t", "links": {"href": "https://x.example"}}`,
			code: ticket.Invalid, msg: []string{"links", "a list"},
		},
		{
			// Ensure a bare number is the wrong shape of the whole body.
			name: "number_body",
			ct:   js, body: `42`,
			code: ticket.Invalid, msg: []string{"the body", "an object"},
		},
		{
			// Ensure a bare string is the wrong shape of the whole body.
			name: "string_body",
			ct:   js, body: `"disk full"`,
			code: ticket.Invalid, msg: []string{"the body", "an object"},
		},
		{
			// Ensure a list of numbers is the wrong shape.
			name: "list_of_numbers",
			ct:   js, body: `[1, 2]`,
			code: ticket.Invalid, msg: []string{"an object", "number"},
		},
		{
			// Ensure the wrong shape in a list's second item is still found.
			name: "wrong_shape_in_list",
			ct:   js, body: `[{"title": "ok"}, {"title": ["x"]}]`,
			code: ticket.Invalid, msg: []string{"title", "a string"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := intake.Generic(request(tt.ct, tt.body))
			if err == nil {
				t.Fatalf("Generic = %#v, want a %s error", got, tt.code)
			}
			if code := ticket.ErrorCode(err); code != tt.code {
				t.Errorf("ErrorCode=%v, want %v (err: %v)", code, tt.code, err)
			}
			msg := ticket.ErrorMessage(err)
			for _, want := range tt.msg {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
		})
	}
}
