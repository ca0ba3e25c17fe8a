package intake_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

func TestOpsgenie(t *testing.T) {
	t.Parallel()
	got := MustDecode(t, intake.Opsgenie, jsonRequest(intaketest.Event(t, "opsgenie/create.json"), intake.Options{}))
	want := ticket.Signal{Action: ticket.Trigger, DedupKey: "vpn-gw-fra-2-hq", Title: "VPN gateway gw-fra-2 tunnel to HQ down",
		Description: "IPsec SA renegotiation failing since 02:10 UTC; 40 remote users affected.", Source: "netwatch",
		Priority: ticket.P2, Note: "auto-created by netwatch",
		Labels: map[string]string{"vpn": "", "site": "fra", "entity": "gw-fra-2"},
		Details: map[string]any{"peer": "198.51.100.20", "ike_state": "NO_PROPOSAL_CHOSEN", "tags": []string{"vpn", "site:fra"},
			"responders": []string{"team:network-ops"}}}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("signal\n got %#v\nwant %#v", got, want)
	}
	// Ensure the message is the key when there is no alias, as in Opsgenie.
	got = MustDecode(t, intake.Opsgenie, jsonRequest([]byte(`{"message": "Disk full on db1", "details": {"pct": 97}}`), intake.Options{}))
	if got[0].DedupKey != "Disk full on db1" || got[0].Details["pct"] != 97.0 {
		t.Errorf("signal %+v, want the message as key and numeric details kept", got[0])
	}
}

func TestOpsgenie_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, msg string
		code            ticket.Code
	}{
		{name: "no_message", body: `{"alias": "a"}`, code: ticket.Invalid, msg: "message is required"},
		{name: "bad_priority", body: `{"message": "m", "priority": "P7"}`, code: ticket.Invalid, msg: "want P1, P2, P3, P4 or P5"},
		{name: "bare_number_priority", body: `{"message": "m", "priority": "2"}`, code: ticket.Invalid, msg: "want P1"},
		{name: "long_alias", body: `{"message": "m", "alias": "` + strings.Repeat("a", 513) + `"}`, code: ticket.Invalid, msg: "alias is longer than 512"},
		{name: "tags_string", body: `{"message": "m", "tags": "vpn"}`, code: ticket.Invalid, msg: "tags"},
		{name: "not_json", body: `{"message": `, code: ticket.Malformed, msg: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			AssertCode(t, intake.Opsgenie, jsonRequest([]byte(tt.body), intake.Options{}), tt.code, tt.msg)
		})
	}
}

func TestOpsgenieAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		action string
		body   string
		want   ticket.Signal
		code   ticket.Code
	}{
		// Ensure close resolves with its note as the resolution.
		{name: "close", action: "close", body: string(intaketest.Event(t, "opsgenie/close.json")),
			want: ticket.Signal{Action: ticket.Resolve, Note: "tunnel re-established"}},
		// Ensure Alertmanager's close body, {"source": …}, resolves without a note.
		{name: "close_alertmanager", action: "close", body: `{"source": "https://am.acme.test"}`, want: ticket.Signal{Action: ticket.Resolve}},
		// Ensure an action needs no body at all.
		{name: "close_empty", action: "close", body: ``, want: ticket.Signal{Action: ticket.Resolve}},
		{name: "acknowledge", action: "acknowledge", body: string(intaketest.Event(t, "opsgenie/acknowledge.json")),
			want: ticket.Signal{Action: ticket.Acknowledge, Note: "on-call network engineer paged"}},
		{name: "notes", action: "notes", body: string(intaketest.Event(t, "opsgenie/note.json")),
			want: ticket.Signal{Action: ticket.Annotate, Note: "peer 198.51.100.20 answers ping again; SA still down"}},
		// Ensure Alertmanager's update_alerts bodies revise the ticket.
		{name: "message", action: "message", body: `{"message": "[FIRING:2] VolumeAlmostFull"}`, want: ticket.Signal{Action: ticket.Update, Title: "[FIRING:2] VolumeAlmostFull"}},
		{name: "description", action: "description", body: `{"description": "2 volumes"}`, want: ticket.Signal{Action: ticket.Update, Description: "2 volumes"}},
		// Ensure an update with nothing to set is nothing to do (Alertmanager sends {} for an empty template).
		{name: "empty_description", action: "description", body: `{}`, want: ticket.Signal{}},
		// Ensure a note action needs its note.
		{name: "notes_without_note", action: "notes", body: `{"user": "x"}`, code: ticket.Invalid},
		// Ensure actions tierline does not speak are refused as not found.
		{name: "snooze", action: "snooze", body: `{"endTime": "2026-01-01T00:00:00Z"}`, code: ticket.NotFound},
		{name: "bad_json", action: "close", body: `{"note": `, code: ticket.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := intake.OpsgenieAction(tt.action, []byte(tt.body))
			if code := ticket.ErrorCode(err); code != tt.code {
				t.Fatalf("ErrorCode=%v, want %q (err: %v)", code, tt.code, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("signal %#v, want %#v", got, tt.want)
			}
		})
	}
}
