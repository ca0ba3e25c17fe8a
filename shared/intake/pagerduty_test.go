package intake_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

const routingKey = "0f3e5a7c9b1d2e4f6a8c0b2d4e6f8a1c"

// Ensure the sample events decode to their signals: the trigger with every
// payload field on the ticket, acknowledge and resolve by dedup key.
func TestParsePagerDuty(t *testing.T) {
	t.Parallel()
	e, err := intake.ParsePagerDuty(intaketest.Event(t, "pagerduty/trigger.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := ticket.Signal{Action: ticket.Trigger, DedupKey: "lab-printer-12/toner", Title: "Printer lab-printer-12 toner below 5%",
		Source: "lab-printer-12.print.acme.test", Severity: "warning",
		Labels:  map[string]string{"component": "toner", "group": "building-b", "class": "consumables"},
		Details: map[string]any{"toner_pct": 4.0, "model": "LX-9000"},
		Links: []ticket.Link{{Href: "https://printmon.acme.test", Text: "PrintMon"}, {Href: "https://printmon.acme.test/dev/12", Text: "Device page"},
			{Href: "https://printmon.acme.test/dev/12/history", Text: "Toner history"}},
		At: time.Date(2026, 6, 1, 10, 15, 0, 0, time.UTC)}
	if e.RoutingKey != routingKey || !reflect.DeepEqual(e.Signal, want) {
		t.Errorf("event %q\n got %#v\nwant %#v", e.RoutingKey, e.Signal, want)
	}
	for file, action := range map[string]ticket.Action{"acknowledge": ticket.Acknowledge, "resolve": ticket.Resolve} {
		e, err := intake.ParsePagerDuty(intaketest.Event(t, "pagerduty/"+file+".json"))
		if err != nil || e.Signal.Action != action || e.Signal.DedupKey != "lab-printer-12/toner" || e.RoutingKey != routingKey {
			t.Errorf("%s: %+v, %v", file, e, err)
		}
	}
}

func TestParsePagerDuty_fields(t *testing.T) {
	t.Parallel()
	const p = `"payload": {"summary": "s", "source": "h", "severity": "info"`
	tests := []struct {
		name string
		body string
		want func(ticket.Signal) bool
	}{
		// Ensure a trigger without dedup_key gets a key of its own, as PagerDuty makes one.
		{name: "dedup_key_made_up", body: `{"routing_key": "k", "event_action": "trigger", ` + p + `}}`,
			want: func(s ticket.Signal) bool { return len(s.DedupKey) == 32 }},
		// Ensure a resolve carrying Alertmanager's whole payload resolves and changes nothing else.
		{name: "resolve_with_payload", body: `{"routing_key": "k", "event_action": "resolve", "dedup_key": "d", ` + p + `}}`,
			want: func(s ticket.Signal) bool { return s.Action == ticket.Resolve && s.Title == "" }},
		// Ensure custom_details in text (Alertmanager before v0.30) is kept under one key.
		{name: "custom_details_text", body: `{"routing_key": "k", "event_action": "trigger", ` + p + `, "custom_details": "firing: 2"}}`,
			want: func(s ticket.Signal) bool { return s.Details["custom_details"] == "firing: 2" }},
		// Ensure a timestamp with a colon in its offset is read.
		{name: "timestamp_rfc3339", body: `{"routing_key": "k", "event_action": "trigger", ` + p + `, "timestamp": "2026-06-01T12:15:00+02:00"}}`,
			want: func(s ticket.Signal) bool { return s.At.Equal(time.Date(2026, 6, 1, 10, 15, 0, 0, time.UTC)) }},
		// Ensure links that are not web addresses are left out rather than refusing the alert.
		{name: "non_web_link", body: `{"routing_key": "k", "event_action": "trigger", ` + p + `}, "links": [{"href": "mailto:x@y"}]}`,
			want: func(s ticket.Signal) bool { return len(s.Links) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := intake.ParsePagerDuty([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(e.Signal) {
				t.Errorf("signal %+v", e.Signal)
			}
		})
	}
}

func TestParsePagerDuty_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		key  string // the routing key still returned
		code ticket.Code
		msg  string
	}{
		{name: "not_json", body: `{"routing_key": "k", `, code: ticket.Malformed, msg: "not valid JSON"},
		{name: "no_routing_key", body: `{"event_action": "trigger"}`, code: ticket.Invalid, msg: "'routing_key' is missing"},
		{name: "bad_action", body: `{"routing_key": "k", "event_action": "snooze"}`, key: "k", code: ticket.Invalid, msg: "'event_action' \"snooze\" is invalid"},
		{name: "ack_without_key", body: `{"routing_key": "k", "event_action": "acknowledge"}`, key: "k", code: ticket.Invalid, msg: "'dedup_key' is required"},
		{name: "long_key", body: `{"routing_key": "k", "event_action": "resolve", "dedup_key": "` + strings.Repeat("d", 256) + `"}`, key: "k", code: ticket.Invalid, msg: "longer than 255"},
		{name: "trigger_without_payload", body: `{"routing_key": "k", "event_action": "trigger"}`, key: "k", code: ticket.Invalid, msg: "'payload' is missing"},
		{name: "no_summary", body: `{"routing_key": "k", "event_action": "trigger", "payload": {"source": "h", "severity": "info"}}`, key: "k", code: ticket.Invalid, msg: "'payload.summary'"},
		{name: "no_source", body: `{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "s", "severity": "info"}}`, key: "k", code: ticket.Invalid, msg: "'payload.source'"},
		{name: "bad_severity", body: `{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "s", "source": "h", "severity": "high"}}`, key: "k", code: ticket.Invalid, msg: "critical, error, warning or info"},
		{name: "long_summary", body: `{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "` + strings.Repeat("s", 1025) + `", "source": "h", "severity": "info"}}`, key: "k", code: ticket.Invalid, msg: "longer than 1024"},
		// Ensure a field of the wrong type names it, and the routing key still comes back for authentication.
		{name: "summary_number", body: `{"routing_key": "k", "event_action": "trigger", "payload": {"summary": 7}}`, key: "k", code: ticket.Invalid, msg: "payload.summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := intake.ParsePagerDuty([]byte(tt.body))
			if code := ticket.ErrorCode(err); code != tt.code {
				t.Fatalf("ErrorCode=%v, want %v (err: %v)", code, tt.code, err)
			}
			if msg := ticket.ErrorMessage(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not say %q", msg, tt.msg)
			}
			if e.RoutingKey != tt.key {
				t.Errorf("RoutingKey=%q, want %q", e.RoutingKey, tt.key)
			}
		})
	}
}

// Ensure a change event that names a dedup key becomes a note for that
// ticket, and one that names none becomes nothing to store.
func TestParsePagerDutyChange(t *testing.T) {
	t.Parallel()
	e, err := intake.ParsePagerDutyChange(intaketest.Event(t, "pagerduty/change.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := ticket.Signal{Action: ticket.Annotate, DedupKey: "lab-printer-12/toner",
		Note: "change: Toner cartridge replaced on lab-printer-12 (facilities-desk)\nWork order 5531: https://facilities.acme.test/orders/5531"}
	if e.RoutingKey != routingKey || !reflect.DeepEqual(e.Signal, want) {
		t.Errorf("change %q %#v, want %#v", e.RoutingKey, e.Signal, want)
	}
	e, err = intake.ParsePagerDutyChange([]byte(`{"routing_key": "k", "payload": {"summary": "deployed v2"}}`))
	if err != nil || e.Signal.Action != "" || e.RoutingKey != "k" {
		t.Errorf("change without key: %+v, %v; want no signal", e, err)
	}
	// Ensure a change needs its summary.
	if _, err := intake.ParsePagerDutyChange([]byte(`{"routing_key": "k", "payload": {}}`)); ticket.ErrorCode(err) != ticket.Invalid {
		t.Errorf("change without summary: %v, want invalid", err)
	}
	// Ensure the routing key comes back from a change of the wrong shape.
	if e, err := intake.ParsePagerDutyChange([]byte(`{"routing_key": "k", "payload": []}`)); ticket.ErrorCode(err) != ticket.Invalid || e.RoutingKey != "k" {
		t.Errorf("change of wrong shape: %+v, %v", e, err)
	}
}
