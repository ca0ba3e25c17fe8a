package intake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// formOf encodes a JSON object of strings as Datadog's "Encode as form".
func formOf(tb testing.TB, body []byte) []byte {
	tb.Helper()
	var m map[string]string
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatal(err)
	}
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return []byte(v.Encode())
}

func datadogRequest(ct string, body []byte) *intake.Request {
	return &intake.Request{Body: body, Header: http.Header{"Content-Type": {ct}}}
}

// Ensure the README's template decodes the same whether Datadog sends it as
// JSON or as a form: keyed by the cycle key, Recovered resolves, $ID is the
// delivery id.
func TestDatadog(t *testing.T) {
	t.Parallel()
	triggered := intaketest.Event(t, "datadog/triggered.json")
	recovered := intaketest.Event(t, "datadog/recovered.json")
	want := ticket.Signal{Action: ticket.Trigger, DedupKey: "7741205583300011452", Title: "SMTP queue > 500",
		Description: "Outbound queue on mail-01 is 812 messages.\n\n@webhook-tierline", Source: "mail-01",
		Severity: "error", Priority: ticket.P2, DeliveryID: "datadog:7741205583316602991",
		Labels: map[string]string{"host": "mail-01", "env": "prod", "role": "mta", "team": "messaging"},
		Links:  []ticket.Link{{Href: "https://app.datadoghq.com/event/jump_to?event_id=7741205583316602991", Text: "Datadog"}},
		At:     time.UnixMilli(1780912201000).UTC()}
	for _, enc := range []struct {
		name string
		ct   string
		body func([]byte) []byte
	}{
		{name: "json", ct: "application/json", body: func(b []byte) []byte { return b }},
		{name: "form", ct: "application/x-www-form-urlencoded", body: func(b []byte) []byte { return formOf(t, b) }},
	} {
		t.Run(enc.name, func(t *testing.T) {
			t.Parallel()
			got := MustDecode(t, intake.Datadog, datadogRequest(enc.ct, enc.body(triggered)))
			s := got[0]
			details := s.Details
			s.Details = nil
			if len(got) != 1 || !reflect.DeepEqual(s, want) {
				t.Errorf("signal\n got %#v\nwant %#v", s, want)
			}
			if details["monitor_id"] != "88120345" || details["transition"] != "Triggered" || !reflect.DeepEqual(details["tags"], []string{"env:prod", "role:mta", "team:messaging"}) {
				t.Errorf("details %v", details)
			}
			rec := MustDecode(t, intake.Datadog, datadogRequest(enc.ct, enc.body(recovered)))
			if rec[0].Action != ticket.Resolve || rec[0].DedupKey != want.DedupKey || rec[0].Title != want.Title || rec[0].DeliveryID != "datadog:7741205583319950087" {
				t.Errorf("recovered %+v, want a resolve of the same key and title", rec[0])
			}
		})
	}
}

func TestDatadog_fields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want func(ticket.Signal) bool
	}{
		// Ensure $ALERT_TYPE success resolves even without a transition.
		{name: "success_resolves", body: `{"cycle_key": "c", "alert_type": "success"}`,
			want: func(s ticket.Signal) bool { return s.Action == ticket.Resolve }},
		// Ensure No Data and Warn transitions trigger.
		{name: "no_data_triggers", body: `{"cycle_key": "c", "title": "t", "transition": "No Data"}`,
			want: func(s ticket.Signal) bool { return s.Action == ticket.Trigger }},
		// Ensure a monitor without a priority leaves the severity to $ALERT_TYPE.
		{name: "no_priority", body: `{"cycle_key": "c", "title": "t", "alert_type": "warning", "priority": ""}`,
			want: func(s ticket.Signal) bool { return s.Priority == 0 && s.Severity == "warning" }},
		// Ensure the aggregation key stands in for a missing cycle key.
		{name: "aggreg_key_fallback", body: `{"aggreg_key": "a1", "title": "t"}`,
			want: func(s ticket.Signal) bool { return s.DedupKey == "a1" }},
		// Ensure unquoted template values (numbers) keep every digit.
		{name: "numbers_as_text", body: `{"cycle_key": 7741205583300011452, "id": 7741205583316602991, "title": "t"}`,
			want: func(s ticket.Signal) bool {
				return s.DedupKey == "7741205583300011452" && s.DeliveryID == "datadog:7741205583316602991"
			}},
		// Ensure an unrendered $ID is no delivery id.
		{name: "unrendered_id", body: `{"cycle_key": "c", "title": "t", "id": "$ID"}`,
			want: func(s ticket.Signal) bool { return s.DeliveryID == "" }},
		// Ensure a title without Datadog's prefix is kept whole.
		{name: "plain_title", body: `{"cycle_key": "c", "title": "SMTP queue high"}`,
			want: func(s ticket.Signal) bool { return s.Title == "SMTP queue high" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MustDecode(t, intake.Datadog, datadogRequest("application/json", []byte(tt.body)))
			if !tt.want(got[0]) {
				t.Errorf("signal %+v", got[0])
			}
		})
	}
}

func TestDatadog_errors(t *testing.T) {
	t.Parallel()
	// Ensure a payload without a cycle key says which variable to add.
	AssertCode(t, intake.Datadog, datadogRequest("application/json", []byte(`{"title": "t"}`)), ticket.Invalid, "$ALERT_CYCLE_KEY")
	// Ensure Datadog's default payload (no cycle key) is refused the same way.
	AssertCode(t, intake.Datadog, datadogRequest("application/json", []byte(`{"body": "b", "title": "t", "id": "1", "event_type": "metric_alert_monitor"}`)),
		ticket.Invalid, "README")
	// Ensure a misspelt variable Datadog left unrendered is no key.
	AssertCode(t, intake.Datadog, datadogRequest("application/json", []byte(`{"cycle_key": "$ALERT_CYCLE_KY", "title": "t"}`)), ticket.Invalid, "cycle_key")
	// Ensure a form without the key is refused too.
	AssertCode(t, intake.Datadog, datadogRequest("application/x-www-form-urlencoded", []byte(`title=t`)), ticket.Invalid, "cycle_key")
	// Ensure a broken form is malformed.
	AssertCode(t, intake.Datadog, datadogRequest("application/x-www-form-urlencoded", []byte(`cycle_key=%zz`)), ticket.Malformed, "not a valid form")
	// Ensure broken JSON is malformed.
	AssertCode(t, intake.Datadog, datadogRequest("application/json", []byte(`{"cycle_key": `)), ticket.Malformed, "not valid JSON")
	// Ensure another content type names both Datadog encodings.
	AssertCode(t, intake.Datadog, datadogRequest("text/plain", []byte(`{}`)), ticket.Unsupported, "x-www-form-urlencoded")
}
