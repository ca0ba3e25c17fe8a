package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PagerDuty/go-pagerduty"
)

// The PagerDuty drop-in as a migrating team's code sees it: go-pagerduty's
// client with the Events API endpoint pointed at tierline. (The package's
// own ManageEventWithContext always posts to events.pagerduty.com.)

// pagerDutySDK is go-pagerduty's client for the Events API at a.
func pagerDutySDK(a *API) *pagerduty.Client {
	c := pagerduty.NewClient("", pagerduty.WithV2EventsAPIEndpoint(a.URL))
	c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	return c
}

// Ensure the life of an alert through go-pagerduty: a trigger, the same
// trigger again counted, a trigger without dedup_key given a key,
// acknowledge, a change event noted, resolve.
func TestPagerDutySDK_lifecycle(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	pd := pagerDutySDK(a.API)
	ctx := context.Background()
	const key = "lab-printer-12/toner"
	trigger := &pagerduty.V2Event{RoutingKey: routingKey, Action: "trigger", DedupKey: key,
		Client: "PrintMon", ClientURL: "https://printmon.acme.test",
		Links: []any{map[string]string{"href": "https://printmon.acme.test/dev/12", "text": "Device page"}},
		Payload: &pagerduty.V2Payload{Summary: "Printer lab-printer-12 toner below 5%", Source: "lab-printer-12", Severity: "warning",
			Component: "toner", Group: "building-b", Details: map[string]any{"toner_pct": 4}}}
	for i := range 2 {
		resp, err := pd.ManageEventWithContext(ctx, trigger)
		if err != nil || resp.Status != "success" || resp.Message != "Event processed" || resp.DedupKey != key {
			t.Fatalf("trigger %d: %+v %v, want success with the dedup key", i+1, resp, err)
		}
	}
	id := a.MustList(t, "/v1/tickets")[0].ID
	if tk := a.MustGet(t, id); tk.Occurrences != 2 || tk.Labels["component"] != "toner" || len(tk.Links) != 2 {
		t.Errorf("ticket %+v, want the trigger counted twice", tk)
	}
	made, err := pd.ManageEventWithContext(ctx, &pagerduty.V2Event{RoutingKey: routingKey, Action: "trigger",
		Payload: &pagerduty.V2Payload{Summary: "UPS on battery", Source: "ups-1", Severity: "critical"}})
	if err != nil || len(made.DedupKey) != 32 {
		t.Errorf("trigger without dedup_key: %+v %v, want a key made up", made, err)
	}
	if _, err := pd.ManageEventWithContext(ctx, &pagerduty.V2Event{RoutingKey: routingKey, Action: "acknowledge", DedupKey: key}); err != nil {
		t.Fatalf("acknowledge: %v", err)
	}
	change, err := pd.CreateChangeEventWithContext(ctx, pagerduty.ChangeEvent{RoutingKey: routingKey,
		Payload: pagerduty.ChangeEventPayload{Summary: "Toner cartridge replaced", Source: "facilities", CustomDetails: map[string]any{"dedup_key": key}},
		Links:   []pagerduty.ChangeEventLink{{Href: "https://facilities.acme.test/orders/5531", Text: "Work order"}}})
	if err != nil || change.Status != "success" {
		t.Fatalf("change event: %+v %v", change, err)
	}
	if _, err := pd.ManageEventWithContext(ctx, &pagerduty.V2Event{RoutingKey: routingKey, Action: "resolve", DedupKey: key}); err != nil {
		t.Fatalf("resolve: %v", err)
	}
	tk := a.MustGet(t, id)
	kinds, notes := timelineOf(tk)
	if tk.Status != "resolved" || !strings.Contains(strings.Join(kinds, ","), "acknowledged") ||
		!strings.Contains(strings.Join(notes, "|"), "change: Toner cartridge replaced (facilities)\nWork order: https://facilities.acme.test/orders/5531") {
		t.Errorf("ticket %s, timeline %v notes %q, want acknowledged, the change noted, resolved", tk.Status, kinds, notes)
	}
}

// Ensure bad input reaches go-pagerduty's error value with tierline's
// message: the client's APIError reads PagerDuty's REST error object,
// which tierline sends beside the Events API's own members, which
// EventsAPIV2Error (the package function's error) reads.
func TestPagerDutySDK_refused(t *testing.T) {
	t.Parallel()
	a := MustOpenSenders(t)
	pd := pagerDutySDK(a.API)
	pd.SetDebugFlag(pagerduty.DebugCaptureLastResponse)
	ctx := context.Background()
	tests := []struct {
		name string
		ev   pagerduty.V2Event
		msg  string
	}{
		{name: "bad_severity", ev: pagerduty.V2Event{RoutingKey: routingKey, Action: "trigger",
			Payload: &pagerduty.V2Payload{Summary: "s", Source: "h", Severity: "sev1"}}, msg: "'payload.severity'"},
		{name: "unknown_routing_key", ev: pagerduty.V2Event{RoutingKey: "R0ULES3TK3Y0000000000000000000000", Action: "resolve", DedupKey: "d"},
			msg: "Invalid routing key"},
		{name: "resolve_without_key", ev: pagerduty.V2Event{RoutingKey: routingKey, Action: "resolve"}, msg: "'dedup_key' is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pd.ManageEventWithContext(ctx, &tt.ev)
			var ae pagerduty.APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || !ae.APIError.Valid || !strings.Contains(ae.Error(), tt.msg) {
				t.Fatalf("err=%v (%T), want a 400 APIError saying %q", err, err, tt.msg)
			}
			if ae.Temporary() || ae.APIError.ErrorObject.Code != 2001 {
				t.Errorf("APIError %+v, want a permanent error of code 2001 (invalid input)", ae.APIError)
			}
			resp, ok := pd.LastAPIResponse()
			if !ok {
				t.Fatal("no response captured")
			}
			body, _ := io.ReadAll(resp.Body)
			var ev pagerduty.EventsAPIV2Error
			if err := json.Unmarshal(body, &ev); err != nil || ev.APIError.ErrorObject.Status != "invalid event" ||
				len(ev.APIError.ErrorObject.Errors) != 1 || !strings.Contains(ev.APIError.ErrorObject.Errors[0], tt.msg) {
				t.Errorf("body %s as EventsAPIV2Error: %+v %v, want PagerDuty's shape saying %q", body, ev.APIError, err, tt.msg)
			}
		})
	}
	a.AssertUnchanged(t, Snapshot{})
}
