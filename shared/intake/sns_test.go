package intake_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

const (
	topic    = "arn:aws:sns:eu-west-1:210987654321:ops-alarms"
	alarmArn = "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:orders-db-cpu-high"
)

// snsRequest is a delivery of body as SNS posts it: text/plain, with its
// message type header.
func snsRequest(body []byte, o intake.SNSOptions) *intake.Request {
	var m struct{ Type string }
	json.Unmarshal(body, &m)
	return &intake.Request{Body: body, Options: intake.Options{SNS: o}, Header: http.Header{
		"Content-Type": {"text/plain; charset=UTF-8"}, "X-Amz-Sns-Message-Type": {m.Type}}}
}

// edit returns the sample sns/<name> with fields changed (nil deletes one).
func edit(tb testing.TB, name string, fields map[string]any) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(intaketest.Event(tb, "sns/"+name), &m); err != nil {
		tb.Fatal(err)
	}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// Ensure an alarm signed by SNS, version 1 or 2, becomes a signal keyed by
// its AlarmArn, with the MessageId as its delivery id: ALARM triggers, OK
// resolves.
func TestSNS_alarms(t *testing.T) {
	t.Parallel()
	sns := intaketest.NewSNS(t)
	o := sns.Options(topic)
	alarm := MustDecode(t, intake.SNS, snsRequest(sns.Sign(t, intaketest.Event(t, "sns/alarm.json")), o))
	if len(alarm) != 1 {
		t.Fatalf("%d signals, want 1", len(alarm))
	}
	s := alarm[0]
	want := ticket.Signal{Action: ticket.Trigger, DedupKey: alarmArn, Title: "orders-db-cpu-high", Priority: ticket.P2,
		Source: "AWS/RDS DBInstanceIdentifier=orders-prod", DeliveryID: "sns:8d0f2b7e-4c1a-5e93-a6b2-1f7c9d3e0a45",
		Labels: map[string]string{"alarm": "orders-db-cpu-high", "region": "eu-west-1", "account": "210987654321",
			"namespace": "AWS/RDS", "metric": "CPUUtilization", "DBInstanceIdentifier": "orders-prod"},
		Links: []ticket.Link{{Href: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/orders-db-cpu-high",
			Text: "CloudWatch alarm"}},
		At: time.Date(2026, 2, 11, 9, 30, 11, 902e6, time.UTC)}
	details, desc := s.Details, s.Description
	s.Details, s.Description = nil, ""
	if !reflect.DeepEqual(s, want) {
		t.Errorf("signal\n got %#v\nwant %#v", s, want)
	}
	if !strings.HasPrefix(desc, "Threshold Crossed: 3 out of the last 3 datapoints") || !strings.HasSuffix(desc, "priority=P2 team=dba runbook https://wiki.acme.test/rb/rds-cpu") {
		t.Errorf("description %q, want the reason and the alarm's description", desc)
	}
	if details["new_state"] != "ALARM" || details["subject"] != `ALARM: "orders-db-cpu-high" in EU (Ireland)` || details["trigger"] == nil {
		t.Errorf("details %v, want the state, subject and trigger", details)
	}
	ok := MustDecode(t, intake.SNS, snsRequest(sns.Sign(t, intaketest.Event(t, "sns/ok.json")), o))
	if len(ok) != 1 || ok[0].Action != ticket.Resolve || ok[0].DedupKey != alarmArn || ok[0].DeliveryID != "sns:2b6e31c5-7d0a-5f84-91c3-6a8e4d2f0b17" {
		t.Errorf("ok: %+v, want a resolve of the alarm", ok)
	}
	// Ensure a message without a MessageId has no delivery id, rather than one all such messages share.
	noID := MustDecode(t, intake.SNS, snsRequest(sns.Sign(t, edit(t, "alarm.json", map[string]any{"MessageId": nil})), o))
	if noID[0].DeliveryID != "" {
		t.Errorf("DeliveryID=%q for a message without MessageId, want none", noID[0].DeliveryID)
	}
	// Ensure the certificate is fetched once and then served from the cache.
	if n := sns.Fetches(); n != 1 {
		t.Errorf("certificate fetched %d times, want 1", n)
	}
}

// Ensure INSUFFICIENT_DATA does what the integration says: nothing (the
// default, answered 2xx), a low-severity trigger, or a resolve.
func TestSNS_insufficientData(t *testing.T) {
	t.Parallel()
	sns := intaketest.NewSNS(t)
	body := sns.Sign(t, intaketest.Event(t, "sns/insufficient-data.json"))
	tests := []struct {
		name   string
		action ticket.Action
		want   int
	}{
		{name: "ignore", action: "", want: 0},
		{name: "trigger", action: ticket.Trigger, want: 1},
		{name: "resolve", action: ticket.Resolve, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := sns.Options(topic)
			o.InsufficientData = tt.action
			got := MustDecode(t, intake.SNS, snsRequest(body, o))
			if len(got) != tt.want {
				t.Fatalf("%d signals, want %d", len(got), tt.want)
			}
			if tt.want == 1 && (got[0].Action != tt.action || got[0].DedupKey != alarmArn) {
				t.Errorf("signal %s %q, want %s %q", got[0].Action, got[0].DedupKey, tt.action, alarmArn)
			}
		})
	}
}

// Ensure a signed SubscriptionConfirmation is confirmed by fetching its
// SubscribeURL, and an UnsubscribeConfirmation asks for nothing.
func TestSNS_subscription(t *testing.T) {
	t.Parallel()
	sns := intaketest.NewSNS(t)
	got := MustDecode(t, intake.SNS, snsRequest(sns.Sign(t, intaketest.Event(t, "sns/subscription-confirmation.json")), sns.Options(topic)))
	if len(got) != 0 {
		t.Errorf("%d signals, want none", len(got))
	}
	if c := sns.Confirmed(); len(c) != 1 || !strings.HasPrefix(c[0], "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=") {
		t.Errorf("confirmed %q, want the SubscribeURL once", c)
	}
	unsub := sns.Sign(t, edit(t, "subscription-confirmation.json", map[string]any{"Type": "UnsubscribeConfirmation"}))
	if got := MustDecode(t, intake.SNS, snsRequest(unsub, sns.Options(topic))); len(got) != 0 || len(sns.Confirmed()) != 1 {
		t.Errorf("unsubscribe: %d signals, %d confirmations; want none and still 1", len(got), len(sns.Confirmed()))
	}
}

// Ensure every way a delivery can fail SNS's checks is refused with its
// code, and nothing is fetched or confirmed for a message that is not
// signed right.
func TestSNS_refused(t *testing.T) {
	t.Parallel()
	sns := intaketest.NewSNS(t)
	forger := intaketest.NewSNS(t) // another key, claiming SNS's certificate URL
	confirm := sns.Sign(t, intaketest.Event(t, "sns/subscription-confirmation.json"))
	alarm := sns.Sign(t, intaketest.Event(t, "sns/alarm.json"))
	tampered := strings.Replace(string(alarm), `orders-db-cpu-high\",\"AlarmDescription`, `orders-db-cpu-low\",\"AlarmDescription`, 1)
	tests := []struct {
		name string
		body []byte
		o    intake.SNSOptions
		raw  bool // x-amz-sns-rawdelivery: true
		code ticket.Code
		msg  string
	}{
		// Ensure a message signed with another key is refused.
		{name: "forged_signature", body: forger.Sign(t, intaketest.Event(t, "sns/alarm.json")), code: ticket.Unauthorized, msg: "does not verify"},
		// Ensure a message changed after signing is refused.
		{name: "tampered_message", body: []byte(tampered), code: ticket.Unauthorized, msg: "does not verify"},
		// Ensure a forged subscription is not confirmed: the signature comes first.
		{name: "forged_subscription", body: forger.Sign(t, intaketest.Event(t, "sns/subscription-confirmation.json")), code: ticket.Unauthorized, msg: "does not verify"},
		// Ensure an unsigned message is refused.
		{name: "unsigned", body: intaketest.Event(t, "sns/alarm.json"), code: ticket.Unauthorized, msg: "not signed"},
		// Ensure a certificate off SNS's hosts is never fetched.
		{name: "cert_wrong_host", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SigningCertURL": "https://sns.eu-west-1.amazonaws.com.evil.test/cert.pem"})),
			code: ticket.Unauthorized, msg: "not on an SNS host"},
		{name: "cert_lookalike_host", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SigningCertURL": "https://evilsns.eu-west-1.amazonaws.com/cert.pem"})),
			code: ticket.Unauthorized, msg: "not on an SNS host"},
		// Ensure a certificate over plain http is refused.
		{name: "cert_http", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SigningCertURL": "http://sns.eu-west-1.amazonaws.com/cert.pem"})),
			code: ticket.Unauthorized, msg: "not an https URL"},
		// Ensure a certificate URL must name a .pem file.
		{name: "cert_not_pem", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SigningCertURL": "https://sns.eu-west-1.amazonaws.com/?cert=x.pem"})),
			code: ticket.Unauthorized, msg: "not a .pem"},
		// Ensure a certificate the SNS host does not have is Unauthorized.
		{name: "cert_not_found", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SigningCertURL": "https://sns.eu-west-1.amazonaws.com/other.pem"})),
			code: ticket.Unauthorized, msg: "does not exist"},
		// Ensure an unknown signature version is refused.
		{name: "signature_version_3", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"SignatureVersion": "3"})),
			code: ticket.Unauthorized, msg: "want 1 or 2"},
		// Ensure a signature that is not base64 is refused.
		{name: "signature_not_base64", body: edit(t, "alarm.json", map[string]any{"Signature": "!!"}), code: ticket.Unauthorized, msg: "not base64"},
		// Ensure raw message delivery, which SNS does not sign, says how to turn it off.
		{name: "raw_delivery", body: []byte(`{"AlarmName": "x"}`), raw: true, code: ticket.Unauthorized, msg: "RawMessageDelivery"},
		// Ensure a signed message from a topic not on the list is Forbidden.
		{name: "topic_not_allowed", body: alarm, o: sns.Options("arn:aws:sns:eu-west-1:210987654321:other"), code: ticket.Forbidden, msg: "add it to the integration's topics"},
		// Ensure a signed subscription from a topic not on the list is not confirmed.
		{name: "subscription_topic_not_allowed", body: confirm, o: sns.Options("arn:aws:sns:eu-west-1:210987654321:other"), code: ticket.Forbidden, msg: topic},
		// Ensure a signed notification that is no alarm is refused.
		{name: "not_an_alarm", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"Message": "deploy finished"})), code: ticket.Invalid, msg: "not a CloudWatch alarm"},
		// Ensure a signed alarm that names its state twice is refused: which one did CloudWatch mean?
		{name: "alarm_member_twice", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"Message": `{"AlarmName": "a", "NewStateValue": "OK", "NewStateValue": "ALARM"}`})),
			code: ticket.Malformed, msg: `"NewStateValue" is sent twice`},
		// Ensure an unknown alarm state is refused.
		{name: "unknown_state", body: sns.Sign(t, edit(t, "alarm.json", map[string]any{"Message": `{"AlarmName": "a", "NewStateValue": "MAYBE"}`})), code: ticket.Invalid, msg: "MAYBE"},
		// Ensure an unknown message type is refused.
		{name: "unknown_type", body: edit(t, "alarm.json", map[string]any{"Type": "Broadcast", "Signature": "AAAA"}), code: ticket.Invalid, msg: "Broadcast"},
		// Ensure a subscribe URL off SNS's hosts is not fetched, though signed.
		{name: "subscribe_url_elsewhere", body: sns.Sign(t, edit(t, "subscription-confirmation.json", map[string]any{"SubscribeURL": "https://tierline.test/steal"})),
			code: ticket.Invalid, msg: "SubscribeURL"},
		// Ensure a body that is not JSON is malformed.
		{name: "not_json", body: []byte(`Type=Notification`), code: ticket.Malformed, msg: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := tt.o
			if o.Certs == nil {
				o = sns.Options(topic)
			}
			r := snsRequest(tt.body, o)
			if tt.raw {
				r.Header.Set("X-Amz-Sns-Rawdelivery", "true")
			}
			AssertCode(t, intake.SNS, r, tt.code, tt.msg)
		})
	}
	if c := sns.Confirmed(); len(c) != 0 {
		t.Errorf("confirmed %q, want nothing confirmed", c)
	}
}

// Ensure a failure to reach SNS is Unavailable (answered 503, so that SNS
// retries), and SNS refusing a confirmation is not.
func TestSNS_fetchFailures(t *testing.T) {
	t.Parallel()
	sns := intaketest.NewSNS(t)
	body := sns.Sign(t, intaketest.Event(t, "sns/alarm.json"))
	sns.Fail(errors.New("connection refused"))
	AssertCode(t, intake.SNS, snsRequest(body, sns.Options(topic)), ticket.Unavailable, "SNS will retry")

	confirm := sns.Sign(t, intaketest.Event(t, "sns/subscription-confirmation.json"))
	sns.Fail(nil)
	o := sns.Options(topic)
	MustDecode(t, intake.SNS, snsRequest(body, o)) // caches the certificate
	sns.Fail(errors.New("timeout"))
	AssertCode(t, intake.SNS, snsRequest(confirm, o), ticket.Unavailable, "unavailable to confirm")
	sns.Fail(&intake.StatusError{URL: "https://sns.eu-west-1.amazonaws.com/", Code: 403})
	AssertCode(t, intake.SNS, snsRequest(confirm, o), ticket.Invalid, "refused the confirmation")
}
