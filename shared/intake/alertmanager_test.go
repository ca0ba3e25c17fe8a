package intake_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// jsonRequest is a request with a JSON body and options o.
func jsonRequest(body []byte, o intake.Options) *intake.Request {
	return &intake.Request{Body: body, Header: http.Header{"Content-Type": {"application/json"}}, Options: o}
}

// MustDecode decodes r with d, failing on an error, and checks that every
// signal passes Normalize, as the desk will ask.
func MustDecode(tb testing.TB, d intake.Decoder, r *intake.Request) []ticket.Signal {
	tb.Helper()
	signals, err := d(r)
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	for i := range signals {
		s := signals[i]
		if err := s.Normalize(); err != nil {
			tb.Errorf("signal %d does not normalize: %v", i, err)
		}
	}
	return signals
}

// Ensure a notification group is one ticket by default: keyed by groupKey,
// titled and described by its alerts, every alert in the details, and
// resolved only when every alert is.
func TestAlertmanager_byGroup(t *testing.T) {
	t.Parallel()
	const key = `{}/{team="storage"}:{alertname="VolumeAlmostFull"}`
	firing := MustDecode(t, intake.Alertmanager, jsonRequest(intaketest.Event(t, "alertmanager/firing.json"), intake.Options{}))
	if len(firing) != 1 {
		t.Fatalf("%d signals, want 1 for the group", len(firing))
	}
	s := firing[0]
	want := ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: "VolumeAlmostFull: 2 of 2 alerts firing",
		Description: "- firing: /srv/share on nas-07 is 93% full (nas-07:9100)\n- firing: /var on nas-03 is 91% full (nas-03:9100)\n",
		Severity:    "warning", Source: "alertmanager",
		Labels: map[string]string{"alertname": "VolumeAlmostFull", "team": "storage", "severity": "warning"},
		Links: []ticket.Link{{Href: "https://am.acme.test", Text: "alertmanager"},
			{Href: "https://wiki.acme.test/rb/volume-full", Text: "runbook"},
			{Href: "https://prom.acme.test/graph?g0.expr=node_filesystem_avail_bytes", Text: "source"}},
		At: time.Date(2026, 3, 4, 5, 40, 0, 0, time.UTC)}
	details := s.Details
	s.Details = nil
	if !reflect.DeepEqual(s, want) {
		t.Errorf("signal\n got %#v\nwant %#v", s, want)
	}
	alerts, _ := details["alerts"].([]any)
	if len(alerts) != 2 || details["firing"] != 2 || details["resolved"] != 0 || details["group_key"] != key || details["receiver"] != "helpdesk-bridge" {
		t.Errorf("details %v, want both alerts, 2 firing, the group key and receiver", details)
	}
	if a, _ := alerts[0].(map[string]any); a["fingerprint"] != "5e1c0a9b77d2f431" || a["starts_at"] != "2026-03-04T07:12:30.118Z" || a["ends_at"] != nil {
		t.Errorf("first alert's details %v, want its fingerprint and start, no end while firing", a)
	}

	resolved := MustDecode(t, intake.Alertmanager, jsonRequest(intaketest.Event(t, "alertmanager/resolved.json"), intake.Options{Grouping: intake.ByGroup}))
	if len(resolved) != 1 || resolved[0].Action != ticket.Resolve || resolved[0].DedupKey != key {
		t.Fatalf("resolved: %+v, want one resolve of the group's key", resolved)
	}
	if a, _ := resolved[0].Details["alerts"].([]any)[1].(map[string]any); a["ends_at"] != "2026-03-04T07:58:00Z" {
		t.Errorf("resolved alert's details %v, want its end", a)
	}
}

// Ensure a group with some alerts still firing is not resolved: the
// top-level status says firing until every alert is resolved.
func TestAlertmanager_halfResolvedGroupFires(t *testing.T) {
	t.Parallel()
	body := strings.Replace(string(intaketest.Event(t, "alertmanager/firing.json")), `"status": "firing",
      "labels": {"alertname": "VolumeAlmostFull", "team": "storage", "severity": "warning", "instance": "nas-03:9100"`,
		`"status": "resolved",
      "labels": {"alertname": "VolumeAlmostFull", "team": "storage", "severity": "warning", "instance": "nas-03:9100"`, 1)
	s := MustDecode(t, intake.Alertmanager, jsonRequest([]byte(body), intake.Options{}))
	if len(s) != 1 || s[0].Action != ticket.Trigger || s[0].Title != "VolumeAlmostFull: 1 of 2 alerts firing" || s[0].Details["resolved"] != 1 {
		t.Errorf("signal %+v, want a trigger with 1 of 2 firing", s)
	}
}

// Ensure grouping "alert" makes one signal per alert, keyed by fingerprint,
// each with its own status, labels, summary and links.
func TestAlertmanager_byAlert(t *testing.T) {
	t.Parallel()
	o := intake.Options{Grouping: intake.ByAlert}
	got := MustDecode(t, intake.Alertmanager, jsonRequest(intaketest.Event(t, "alertmanager/firing.json"), o))
	if len(got) != 2 {
		t.Fatalf("%d signals, want one per alert", len(got))
	}
	s := got[0]
	if s.Action != ticket.Trigger || s.DedupKey != "5e1c0a9b77d2f431" || s.Title != "/srv/share on nas-07 is 93% full" ||
		s.Description != "Less than 7% of /srv/share is left; at the current rate it fills in 5 hours." ||
		s.Source != "nas-07:9100" || s.Severity != "warning" || s.Labels["mount"] != "/srv/share" ||
		!s.At.Equal(time.Date(2026, 3, 4, 7, 12, 30, 118e6, time.UTC)) {
		t.Errorf("first alert's signal %+v", s)
	}
	if want := []ticket.Link{{Href: "https://prom.acme.test/graph?g0.expr=node_filesystem_avail_bytes", Text: "source"},
		{Href: "https://am.acme.test", Text: "alertmanager"}}; !reflect.DeepEqual(s.Links, want) {
		t.Errorf("links %+v, want %+v", s.Links, want)
	}
	if got[1].DedupKey != "a04f6c2e91b8d3e7" {
		t.Errorf("second key %q, want its fingerprint", got[1].DedupKey)
	}
	resolved := MustDecode(t, intake.Alertmanager, jsonRequest(intaketest.Event(t, "alertmanager/resolved.json"), o))
	for i, s := range resolved {
		if s.Action != ticket.Resolve || s.DedupKey != got[i].DedupKey {
			t.Errorf("resolved %d: %s %q, want resolve %q", i, s.Action, s.DedupKey, got[i].DedupKey)
		}
	}
}

// Ensure an alert without a fingerprint still gets a stable key from its
// labels, and a long groupKey a stable hash.
func TestAlertmanager_keysWithoutIDs(t *testing.T) {
	t.Parallel()
	body := func(group, fp string) []byte {
		return []byte(`{"version": "4", "groupKey": "` + group + `", "status": "firing", "alerts": [{"status": "firing",
			"labels": {"alertname": "Down", "instance": "a:1"}, "fingerprint": "` + fp + `"}]}`)
	}
	a := MustDecode(t, intake.Alertmanager, jsonRequest(body("g", ""), intake.Options{Grouping: intake.ByAlert}))
	b := MustDecode(t, intake.Alertmanager, jsonRequest(body("g", ""), intake.Options{Grouping: intake.ByAlert}))
	if a[0].DedupKey != b[0].DedupKey || !strings.HasPrefix(a[0].DedupKey, "labels:") || a[0].Title != "Down on a:1" {
		t.Errorf("keys %q %q title %q, want one stable labels: key and the alert's name", a[0].DedupKey, b[0].DedupKey, a[0].Title)
	}
	long := strings.Repeat("g", ticket.MaxDedupKey+1)
	g := MustDecode(t, intake.Alertmanager, jsonRequest(body(long, "f"), intake.Options{}))
	if !strings.HasPrefix(g[0].DedupKey, "sha256:") || len(g[0].DedupKey) > ticket.MaxDedupKey {
		t.Errorf("key %q, want a sha256: key under the limit", g[0].DedupKey)
	}
}

func TestAlertmanager_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ct   string
		body string
		code ticket.Code
		msg  string
	}{
		// Ensure a body that is not JSON is malformed.
		{name: "not_json", body: `{"version": "4", "alerts": [`, code: ticket.Malformed, msg: "not valid JSON"},
		// Ensure another payload version says what to remove.
		{name: "custom_template", body: `{"text": "disk full"}`, code: ticket.Invalid, msg: "custom payload template"},
		// Ensure a v4 notification without alerts is refused.
		{name: "no_alerts", body: `{"version": "4", "groupKey": "g", "alerts": []}`, code: ticket.Invalid, msg: "alerts is empty"},
		// Ensure an unknown alert status is refused, naming the statuses.
		{name: "bad_status", body: `{"version": "4", "groupKey": "g", "alerts": [{"status": "pending"}]}`, code: ticket.Invalid, msg: "want firing or resolved"},
		// Ensure a group with neither key nor labels is refused.
		{name: "no_group_key", body: `{"version": "4", "alerts": [{"status": "firing"}]}`, code: ticket.Invalid, msg: "groupKey is missing"},
		// Ensure labels of the wrong type name the field.
		{name: "labels_list", body: `{"version": "4", "groupKey": "g", "alerts": [{"labels": ["a"]}]}`, code: ticket.Invalid, msg: "labels"},
		// Ensure a time that is not RFC 3339 is refused.
		{name: "bad_time", body: `{"version": "4", "groupKey": "g", "alerts": [{"startsAt": "yesterday"}]}`, code: ticket.Invalid, msg: "yesterday"},
		// Ensure the content type is JSON.
		{name: "text_plain", ct: "text/plain", body: `{}`, code: ticket.Unsupported, msg: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jsonRequest([]byte(tt.body), intake.Options{})
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			AssertCode(t, intake.Alertmanager, r, tt.code, tt.msg)
		})
	}
}

// AssertCode decodes r with d, which must fail with code and a message
// that says msg.
func AssertCode(tb testing.TB, d intake.Decoder, r *intake.Request, code ticket.Code, msg string) {
	tb.Helper()
	got, err := d(r)
	if err == nil {
		tb.Fatalf("decoded %+v, want a %s error", got, code)
	}
	if c := ticket.ErrorCode(err); c != code {
		tb.Errorf("ErrorCode=%v, want %v (err: %v)", c, code, err)
	}
	if m := ticket.ErrorMessage(err); !strings.Contains(m, msg) {
		tb.Errorf("message %q does not say %q", m, msg)
	}
}
