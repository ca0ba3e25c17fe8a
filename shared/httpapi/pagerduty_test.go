package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/localdb"
)

var pdHeaders = map[string]string{"Content-Type": "application/json"}

// MustPagerDuty posts an event to path and checks PagerDuty's 202 answer,
// exactly: status, message and the dedup key (none for change events).
func MustPagerDuty(tb testing.TB, a *API, path string, body []byte, dedupKey string) {
	tb.Helper()
	resp := a.Post(tb, "POST", path, pdHeaders, body)
	want := map[string]any{"status": "success", "message": "Event processed"}
	if dedupKey != "" {
		want["dedup_key"] = dedupKey
	}
	var got map[string]any
	if err := json.Unmarshal(resp.Body, &got); err != nil || resp.Status != http.StatusAccepted || !reflect.DeepEqual(got, want) {
		tb.Fatalf("POST %s: %d %s, want 202 %v", path, resp.Status, resp.Body, want)
	}
}

// AssertPagerDutyError checks PagerDuty's error shape: the status, a
// status word, a message and errors that say msg, and the same in the
// REST error object {message, code, errors}.
func AssertPagerDutyError(tb testing.TB, resp Response, status int, short, msg string) {
	tb.Helper()
	var got struct {
		Status  string   `json:"status"`
		Message string   `json:"message"`
		Errors  []string `json:"errors"`
		Error   struct {
			Message string   `json:"message"`
			Code    int      `json:"code"`
			Errors  []string `json:"errors"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		tb.Fatalf("body %s: %v", resp.Body, err)
	}
	if resp.Status != status || got.Status != short || got.Message == "" || len(got.Errors) != 1 || !strings.Contains(got.Errors[0], msg) {
		tb.Errorf("answer %d %s, want %d status %q and an error saying %q", resp.Status, resp.Body, status, short, msg)
	}
	if got.Error.Message != got.Message || got.Error.Code == 0 || !reflect.DeepEqual(got.Error.Errors, got.Errors) {
		tb.Errorf("error object %+v, want the message and errors again with a code", got.Error)
	}
}

// Ensure an alert's life through the Events API v2: trigger, the same
// trigger again counted (monitors re-fire identical events, and PagerDuty
// counts them), a new trigger counted, acknowledge, a change event noted,
// resolve; each answered 202 as PagerDuty answers.
func TestPagerDuty_lifecycle(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	const key = "lab-printer-12/toner"
	trigger := intaketest.Event(t, "pagerduty/trigger.json")
	MustPagerDuty(t, a.API, "/v2/enqueue", trigger, key)
	a.Clock.Add(10 * time.Second)
	MustPagerDuty(t, a.API, "/v2/enqueue", trigger, key) // byte for byte the same: a repeat
	again := strings.Replace(string(trigger), "toner below 5%", "toner below 3%", 1)
	MustPagerDuty(t, a.API, "/v2/enqueue", []byte(again), key)
	MustPagerDuty(t, a.API, "/v2/enqueue", intaketest.Event(t, "pagerduty/acknowledge.json"), key)
	MustPagerDuty(t, a.API, "/v2/change/enqueue", intaketest.Event(t, "pagerduty/change.json"), "")
	MustPagerDuty(t, a.API, "/v2/enqueue", intaketest.Event(t, "pagerduty/resolve.json"), key)

	list := a.MustList(t, "/v1/tickets")
	if len(list) != 1 {
		t.Fatalf("%d tickets, want 1", len(list))
	}
	tk := a.MustGet(t, list[0].ID)
	if tk.Integration != "printers" || tk.DedupKey != key || tk.Occurrences != 3 || tk.Status != "resolved" ||
		tk.Title != "Printer lab-printer-12 toner below 5%" || tk.Source != "lab-printer-12.print.acme.test" || tk.Priority != "P3" ||
		tk.Labels["component"] != "toner" || tk.Details["model"] != "LX-9000" || len(tk.Links) != 3 {
		t.Errorf("ticket %+v", tk)
	}
	var kinds []string
	noted := false
	for _, e := range tk.Timeline {
		kinds = append(kinds, e.Kind)
		noted = noted || e.Kind == "noted" && strings.Contains(e.Note, "Toner cartridge replaced")
	}
	if !noted || !strings.Contains(strings.Join(kinds, ","), "acknowledged") {
		t.Errorf("timeline %v, want the acknowledgement and the change noted", kinds)
	}
	// Ensure acknowledge and resolve of an alert that is not open are accepted and dropped.
	MustPagerDuty(t, a.API, "/v2/enqueue", intaketest.Event(t, "pagerduty/acknowledge.json"), key)
	MustPagerDuty(t, a.API, "/v2/enqueue", []byte(`{"routing_key": "`+routingKey+`", "event_action": "resolve", "dedup_key": "never-seen"}`), "never-seen")
	// Ensure a change event that names no ticket is accepted and stores nothing.
	before := a.MustSnapshot(t)
	MustPagerDuty(t, a.API, "/v2/change/enqueue", []byte(`{"routing_key": "`+routingKey+`", "payload": {"summary": "deployed v2"}}`), "")
	a.AssertUnchanged(t, before)
}

// Ensure a trigger without dedup_key opens a ticket under a key tierline
// made up, and answers it, as PagerDuty does.
func TestPagerDuty_dedupKeyMadeUp(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	resp := a.Post(t, "POST", "/v2/enqueue", pdHeaders, []byte(`{"routing_key": "`+routingKey+`", "event_action": "trigger",
		"payload": {"summary": "UPS on battery", "source": "ups-1", "severity": "critical"}}`))
	var got struct {
		Status   string `json:"status"`
		DedupKey string `json:"dedup_key"`
	}
	json.Unmarshal(resp.Body, &got)
	if resp.Status != http.StatusAccepted || got.Status != "success" || len(got.DedupKey) != 32 {
		t.Fatalf("answer %d %s, want 202 with a made-up dedup_key", resp.Status, resp.Body)
	}
	list := a.MustList(t, "/v1/tickets")
	if len(list) != 1 || list[0].DedupKey != got.DedupKey || list[0].Tier != "L2" || list[0].Priority != "P1" {
		t.Errorf("tickets %+v, want one under %q, routed as critical", list, got.DedupKey)
	}
}

// Ensure every bad event is 400 in PagerDuty's shape (clients do not retry
// it), an unknown routing_key included, and stores nothing.
func TestPagerDuty_refused(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	ev := func(s string) []byte { return []byte(`{"routing_key": "` + routingKey + `", ` + s + `}`) }
	tests := []struct {
		name   string
		path   string
		body   []byte
		status int
		short  string
		msg    string
	}{
		{name: "unknown_routing_key", path: "/v2/enqueue", body: []byte(strings.Replace(string(intaketest.Event(t, "pagerduty/trigger.json")), routingKey, "R0ULES3TK3Y0000000000000000000000", 1)),
			status: 400, short: "invalid event", msg: "Invalid routing key"},
		{name: "genie_key_is_no_routing_key", path: "/v2/enqueue", body: []byte(`{"routing_key": "` + genieKey + `", "event_action": "resolve", "dedup_key": "d"}`),
			status: 400, short: "invalid event", msg: "Invalid routing key"},
		{name: "unknown_key_bad_event", path: "/v2/enqueue", body: []byte(`{"routing_key": "nope", "event_action": "explode"}`),
			status: 400, short: "invalid event", msg: "Invalid routing key"},
		{name: "no_routing_key", path: "/v2/enqueue", body: []byte(`{"event_action": "trigger"}`),
			status: 400, short: "invalid event", msg: "'routing_key' is missing"},
		{name: "not_json", path: "/v2/enqueue", body: []byte(`routing_key=` + routingKey),
			status: 400, short: "Unrecognized object", msg: "JSON parse error"},
		{name: "bad_action", path: "/v2/enqueue", body: ev(`"event_action": "snooze"`),
			status: 400, short: "invalid event", msg: "'event_action'"},
		{name: "trigger_without_payload", path: "/v2/enqueue", body: ev(`"event_action": "trigger"`),
			status: 400, short: "invalid event", msg: "'payload' is missing"},
		{name: "bad_severity", path: "/v2/enqueue", body: ev(`"event_action": "trigger", "payload": {"summary": "s", "source": "h", "severity": "sev1"}`),
			status: 400, short: "invalid event", msg: "'payload.severity'"},
		{name: "resolve_without_key", path: "/v2/enqueue", body: ev(`"event_action": "resolve"`),
			status: 400, short: "invalid event", msg: "'dedup_key' is required"},
		{name: "too_many_labels_for_a_ticket", path: "/v2/enqueue", body: ev(`"event_action": "trigger", "payload": {"summary": "s", "source": "h", "severity": "info", "component": "` + strings.Repeat("c", 2000) + `"}`),
			status: 400, short: "invalid event", msg: "label"},
		{name: "too_large", path: "/v2/enqueue", body: ev(`"event_action": "trigger", "payload": {"summary": "` + strings.Repeat("s", 2<<20) + `"}`),
			status: 400, short: "invalid event", msg: "limit"},
		{name: "change_unknown_routing_key", path: "/v2/change/enqueue", body: []byte(`{"routing_key": "nope", "payload": {"summary": "s"}}`),
			status: 400, short: "invalid event", msg: "Invalid routing key"},
		{name: "change_without_summary", path: "/v2/change/enqueue", body: ev(`"payload": {"source": "ci"}`),
			status: 400, short: "invalid event", msg: "'payload.summary'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AssertPagerDutyError(t, a.Post(t, "POST", tt.path, pdHeaders, tt.body), tt.status, tt.short, tt.msg)
		})
	}
	a.AssertUnchanged(t, Snapshot{})
}

// Ensure a store failure is a 5xx with Retry-After, which PagerDuty
// clients retry, in PagerDuty's shape and without detail.
func TestPagerDuty_storeUnavailable(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	dropTables(t, a.DB)
	resp := a.Post(t, "POST", "/v2/enqueue", pdHeaders, intaketest.Event(t, "pagerduty/trigger.json"))
	AssertPagerDutyError(t, resp, http.StatusServiceUnavailable, "unavailable", "unavailable")
	if resp.Header.Get("Retry-After") == "" || strings.Contains(string(resp.Body), "no such table") {
		t.Errorf("answer %v %s, want Retry-After and no detail", resp.Header, resp.Body)
	}
}

// dropTables makes every write fail (see TestHook_storeUnavailable).
func dropTables(tb testing.TB, db *localdb.DB) {
	tb.Helper()
	err := db.Write(context.Background(), func(tx *localdb.Tx) error {
		if _, err := tx.Exec("DROP TABLE timeline"); err != nil {
			return err
		}
		_, err := tx.Exec("DROP TABLE tickets")
		return err
	})
	if err != nil {
		tb.Fatalf("drop the tables: %v", err)
	}
}
