package intake_test

import (
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// A sender's own format, as a mapping reads it.
var mapping = map[string]string{"title": "/alert/name", "dedup_key": "/alert/id", "severity": "/alert/level",
	"action": "/state", "description": "/alert/text"}

func TestGeneric_mapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []ticket.Signal
	}{
		// Ensure mapped fields are read through their pointers.
		{name: "mapped", body: `{"alert": {"name": "Pump 3 pressure low", "id": 4471, "level": "critical", "text": "2.1 bar"}, "state": "firing"}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "Pump 3 pressure low", DedupKey: "4471", Severity: "critical", Description: "2.1 bar"}}},
		// Ensure a mapped action reads the senders' words.
		{name: "mapped_resolve", body: `{"alert": {"id": "4471"}, "state": "recovered"}`,
			want: []ticket.Signal{{Action: ticket.Resolve, DedupKey: "4471"}}},
		// Ensure fields the mapping leaves out come from the generic shape, with labels and links.
		{name: "unmapped_fields", body: `{"alert": {"name": "n", "id": "1"}, "source": "plc-3", "priority": "P2", "labels": {"site": "b"}, "links": ["https://scada.test/p3"]}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "n", DedupKey: "1", Source: "plc-3", Priority: ticket.P2,
				Labels: map[string]string{"site": "b"}, Links: []ticket.Link{{Href: "https://scada.test/p3"}}}}},
		// Ensure a list of alerts is mapped item by item.
		{name: "list", body: `[{"alert": {"name": "a", "id": "1"}}, {"alert": {"name": "b", "id": "2"}, "state": "ok"}]`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "a", DedupKey: "1"}, {Action: ticket.Resolve, Title: "b", DedupKey: "2"}}},
		// Ensure a boolean is read as text.
		{name: "boolean", body: `{"alert": {"name": "n", "id": true}}`,
			want: []ticket.Signal{{Action: ticket.Trigger, Title: "n", DedupKey: "true"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MustDecode(t, intake.Generic, jsonRequest([]byte(tt.body), intake.Options{Mapping: mapping}))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("signals\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestGeneric_mappingErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		code ticket.Code
		msg  string
	}{
		// Ensure a trigger whose mapped title is missing says where the mapping looked.
		{name: "title_missing", body: `{"alert": {"id": "1"}}`, code: ticket.Invalid, msg: "mapping.title points at /alert/name, which this body does not have"},
		// Ensure a pointer at an object is refused: a title is text.
		{name: "title_object", body: `{"alert": {"name": {"en": "x"}, "id": "1"}}`, code: ticket.Invalid, msg: "mapping.title points at /alert/name: want text, got JSON object"},
		// Ensure an unknown mapped action names the actions.
		{name: "bad_action", body: `{"alert": {"name": "n", "id": "1"}, "state": "exploded"}`, code: ticket.Invalid, msg: "trigger, acknowledge or resolve"},
		// Ensure a body that is not an object is refused.
		{name: "not_object", body: `"pump"`, code: ticket.Invalid, msg: "want an object"},
		// Ensure broken JSON is malformed.
		{name: "broken", body: `{"alert": `, code: ticket.Malformed, msg: "not valid JSON"},
		// Ensure trailing data is malformed.
		{name: "trailing", body: `{"alert": {"name": "n"}} {}`, code: ticket.Malformed, msg: "not valid JSON"},
		// Ensure an empty list is refused.
		{name: "empty_list", body: `[]`, code: ticket.Invalid, msg: "empty"},
		// Ensure the generic members keep their types.
		{name: "labels_list", body: `{"alert": {"name": "n"}, "labels": ["a"]}`, code: ticket.Invalid, msg: "labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			AssertCode(t, intake.Generic, jsonRequest([]byte(tt.body), intake.Options{Mapping: mapping}), tt.code, tt.msg)
		})
	}
}

// Ensure a generic integration with a secret takes only signed requests,
// with its timestamp when one is configured, and refuses unsigned ones
// before reading the body.
func TestGeneric_hmac(t *testing.T) {
	t.Parallel()
	const secret = "generic-secret-0123456789"
	body := intaketest.Event(t, "generic/trigger.json")
	now := time.Date(2026, 4, 2, 13, 5, 44, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	h := &intake.HMAC{Secret: []byte(secret), TimestampHeader: "X-Tierline-Timestamp"}
	req := func(headers map[string]string, ct string) *intake.Request {
		r := &intake.Request{Body: body, Header: http.Header{"Content-Type": {ct}}, Received: now, Options: intake.Options{HMAC: h}}
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		return r
	}
	signed := map[string]string{"X-Tierline-Timestamp": ts, "X-Tierline-Signature": sign(secret, ts, body)}
	if got := MustDecode(t, intake.Generic, req(signed, "application/json")); len(got) != 1 || got[0].DedupKey != "backup/nightly-fs" {
		t.Errorf("signed: %+v", got)
	}
	// Ensure the window defaults to five minutes.
	late := now.Add(intake.DefaultWindow + time.Second)
	r := req(signed, "application/json")
	r.Received = late
	AssertCode(t, intake.Generic, r, ticket.Unauthorized, "more than 5m0s from the clock")
	// Ensure an unsigned request is refused before its content type is looked at.
	AssertCode(t, intake.Generic, req(nil, "text/plain"), ticket.Unauthorized, "X-Tierline-Signature")
	// Ensure a signature over the body alone is refused when the timestamp must be signed.
	AssertCode(t, intake.Generic, req(map[string]string{"X-Tierline-Timestamp": ts, "X-Tierline-Signature": sign(secret, "", body)}, "application/json"),
		ticket.Unauthorized, "does not match")
}
