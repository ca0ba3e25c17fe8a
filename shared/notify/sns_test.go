package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// snsWorld is fauxqs's SNS with two topics, each with an SQS queue
// subscribed in raw delivery (what an SQS or Lambda subscriber of the
// stack's tier topic sees), and one queue subscribed in the SNS envelope
// (which carries the Subject, as e-mail would).
type snsWorld struct {
	sns          *sns.Client
	sqs          *sqs.Client
	tierTopic    string
	ownTopic     string
	tierRaw      string // queue URL, raw subscription to tierTopic
	tierEnvelope string // queue URL, enveloped subscription to tierTopic
	ownRaw       string // queue URL, raw subscription to ownTopic
	p1Only       string // queue URL, raw subscription to tierTopic filtered to priority P1
}

func newSNSWorld(t *testing.T) *snsWorld {
	t.Helper()
	endpoint := awstest.Fauxqs(t)
	w := &snsWorld{
		sns: sns.New(sns.Options{Region: awstest.Region, BaseEndpoint: aws.String(endpoint),
			Credentials: awstest.Credentials, Retryer: awstest.Retryer()}),
		sqs: awstest.SQSClient(endpoint),
	}
	w.tierTopic = w.topic(t, "tierline-l2")
	w.ownTopic = w.topic(t, "dba-pager")
	w.tierRaw = w.subscribe(t, w.tierTopic, "l2-raw", true, "")
	w.tierEnvelope = w.subscribe(t, w.tierTopic, "l2-envelope", false, "")
	w.ownRaw = w.subscribe(t, w.ownTopic, "dba-raw", true, "")
	w.p1Only = w.subscribe(t, w.tierTopic, "l2-p1", true, `{"priority":["P1"]}`)
	return w
}

func (w *snsWorld) topic(t *testing.T, name string) string {
	t.Helper()
	out, err := w.sns.CreateTopic(context.Background(), &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TopicArn)
}

func (w *snsWorld) subscribe(t *testing.T, topic, queue string, raw bool, filter string) string {
	t.Helper()
	ctx := context.Background()
	q, err := w.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	sub := map[string]string{}
	if raw {
		sub["RawMessageDelivery"] = "true"
	}
	if filter != "" {
		sub["FilterPolicy"] = filter
	}
	_, err = w.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"]), Attributes: sub})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(q.QueueUrl)
}

// perProtocol picks the message a subscriber of protocol gets out of a
// MessageStructure=json publish. SNS itself does the picking; fauxqs does
// not implement MessageStructure and delivers the structure unchanged, so
// the test picks the entry the way SNS would, after checking that the
// structure has the "default" entry SNS requires.
func perProtocol(t *testing.T, body, protocol string) string {
	t.Helper()
	var structure map[string]string
	if err := json.Unmarshal([]byte(body), &structure); err != nil {
		t.Fatalf("message %q is not a MessageStructure=json object of strings: %v", body, err)
	}
	if structure["default"] == "" {
		t.Fatalf("message structure %q has no default entry", body)
	}
	got, ok := structure[protocol]
	if !ok {
		t.Fatalf("message structure has no %s entry: %q", protocol, body)
	}
	return got
}

// receive returns the bodies and string attributes of what queue holds.
func (w *snsWorld) receive(t *testing.T, queue string, wait int32) []sqstypes.Message {
	t.Helper()
	out, err := w.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue),
		MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Messages
}

// Ensure an sns channel publishes each hand-off once: to the tier's topic
// of the stack when it names none, to its own topic when it does; SQS
// subscribers get the webhook JSON, enveloped subscribers (e-mail) the
// plain-text summary under an ASCII subject, and a filter policy on the
// priority attribute picks hand-offs by priority.
func TestSNSPublish(t *testing.T) {
	w := newSNSWorld(t)
	d := &notify.Deliverer{BaseURL: "https://tierline.example", SNS: w.sns,
		Topics: map[ticket.Tier]string{ticket.L2: w.tierTopic}}
	h := escalatedHandOff(t) // P1, L2, with text that tries Slack markup
	ctx := context.Background()

	if err := d.Deliver(ctx, policy.Channel{Name: "sns", Kind: "sns"}, h); err != nil {
		t.Fatal(err)
	}
	raw := w.receive(t, w.tierRaw, 5)
	if len(raw) != 1 {
		t.Fatalf("raw subscriber got %d messages, want 1", len(raw))
	}
	var m notify.Message
	if err := json.Unmarshal([]byte(perProtocol(t, aws.ToString(raw[0].Body), "sqs")), &m); err != nil {
		t.Fatalf("raw SQS body %q is not the webhook JSON: %v", aws.ToString(raw[0].Body), err)
	}
	if m.Tierline.Ticket.ID != h.Ticket.ID || m.Tierline.Tier != "L2" || m.Tierline.Notice != 2 || m.Tierline.Note != "still 97% after cleanup" {
		t.Fatalf("hand-off JSON = %+v", m.Tierline)
	}
	attrs := raw[0].MessageAttributes
	for k, want := range map[string]string{"ticket_id": h.Ticket.ID, "tier": "L2", "priority": "P1", "kind": "escalated"} {
		if got := aws.ToString(attrs[k].StringValue); got != want {
			t.Errorf("attribute %s = %q, want %q", k, got, want)
		}
	}

	env := w.receive(t, w.tierEnvelope, 5)
	if len(env) != 1 {
		t.Fatalf("enveloped subscriber got %d messages, want 1", len(env))
	}
	var envelope struct{ Type, Subject, Message string }
	if err := json.Unmarshal([]byte(aws.ToString(env[0].Body)), &envelope); err != nil {
		t.Fatal(err)
	}
	if envelope.Subject != notify.Subject(h) || !strings.HasPrefix(envelope.Subject, "[L2] P1 Disk full") {
		t.Errorf("Subject = %q, want %q", envelope.Subject, notify.Subject(h))
	}
	mail := perProtocol(t, envelope.Message, "email")
	for _, want := range []string{"Escalated from L1", "Tried: cleared /tmp (alice)", "https://tierline.example/console/tickets/" + h.Ticket.ID} {
		if !strings.Contains(mail, want) {
			t.Errorf("e-mail text %q lacks %q", mail, want)
		}
	}
	if sms := perProtocol(t, envelope.Message, "sms"); len(sms) > 140 || !strings.HasPrefix(sms, "[L2] P1 Disk full") {
		t.Errorf("SMS text %q, want the first line in at most 140 bytes", sms)
	}
	if p1 := w.receive(t, w.p1Only, 2); len(p1) != 1 {
		t.Errorf("the P1 filter subscriber got %d messages, want 1", len(p1))
	}

	own := policy.Channel{Name: "dba", Kind: "sns", TopicARN: w.ownTopic}
	if err := d.Deliver(ctx, own, h); err != nil {
		t.Fatal(err)
	}
	if got := w.receive(t, w.ownRaw, 5); len(got) != 1 {
		t.Fatalf("own topic subscriber got %d messages, want 1", len(got))
	}
	if got := w.receive(t, w.tierRaw, 1); len(got) != 0 {
		t.Fatalf("tier topic got %d more messages for a channel with its own topic, want 0", len(got))
	}
}

// Ensure a priority the filter does not take reaches only the others.
func TestSNSFilterByPriority(t *testing.T) {
	w := newSNSWorld(t)
	tk, err := ticket.New("0c7g2m4x9k3t1q", "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "Slow disk"},
		ticket.Placement{Tier: ticket.L2, Priority: ticket.P4}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := tk.HandOff(1)
	d := &notify.Deliverer{SNS: w.sns, Topics: map[ticket.Tier]string{ticket.L2: w.tierTopic}}
	if err := d.Deliver(context.Background(), policy.Channel{Name: "sns", Kind: "sns"}, h); err != nil {
		t.Fatal(err)
	}
	if got := w.receive(t, w.tierRaw, 5); len(got) != 1 {
		t.Fatalf("unfiltered subscriber got %d, want 1", len(got))
	}
	if got := w.receive(t, w.p1Only, 1); len(got) != 0 {
		t.Fatalf("the P1 filter subscriber got %d messages of a P4 hand-off, want 0", len(got))
	}
}

// Ensure every way an sns delivery cannot happen is an error that names
// the channel, so the notice stays on its queue.
func TestSNSFailures(t *testing.T) {
	w := newSNSWorld(t)
	h := escalatedHandOff(t)
	missing := "arn:aws:sns:us-east-1:000000000000:no-such-topic"
	tests := []struct {
		name string
		d    *notify.Deliverer
		ch   policy.Channel
		want string
	}{
		// Ensure a channel with no topic, in a stack that gave none for the tier, fails.
		{"no_topic", &notify.Deliverer{SNS: w.sns, Topics: map[ticket.Tier]string{ticket.L1: w.tierTopic}},
			policy.Channel{Name: "sns", Kind: "sns"}, "sns channel sns of L2 has no topic_arn, and no topic of L2"},
		// Ensure the local runtime, which has no SNS client, fails rather than drops.
		{"no_client", &notify.Deliverer{}, policy.Channel{Name: "sns", Kind: "sns", TopicARN: w.ownTopic},
			"no SNS client"},
		// Ensure a topic SNS does not know is an error from Publish.
		{"unknown_topic", &notify.Deliverer{SNS: w.sns}, policy.Channel{Name: "gone", Kind: "sns", TopicARN: missing},
			"sns channel gone: publish to " + missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := tc.d.Deliver(ctx, tc.ch, h)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// Ensure the subject is what SNS accepts: printable ASCII, one line,
// under 100 characters.
func TestSubject(t *testing.T) {
	long := strings.Repeat("Überlauf ", 20)
	tk, err := ticket.New("0c7g2m4x9k3t1r", "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: long + "\tend"},
		ticket.Placement{Tier: ticket.L1}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := tk.HandOff(1)
	got := notify.Subject(h)
	if len(got) > 99 || !strings.HasPrefix(got, "[L1] P3 ?berlauf") || !strings.HasSuffix(got, "...") {
		t.Fatalf("Subject = %q (%d bytes)", got, len(got))
	}
	for _, r := range got {
		if r < 0x20 || r > 0x7e {
			t.Fatalf("Subject %q has %q", got, r)
		}
	}
}
