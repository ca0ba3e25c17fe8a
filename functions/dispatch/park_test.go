package main

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
)

const replayFile = "dispatch-replay.json"

// parkedMessage is a message of the parking queue.
type parkedMessage struct {
	record events.DynamoDBEventRecord
	attrs  map[string]string
}

// parked lists the parking queue's messages and leaves them there.
func (w *world) parked(t *testing.T) []parkedMessage {
	t.Helper()
	c := awstest.SQSClient(w.Fauxqs)
	var out []parkedMessage
	var receipts []*string
	for {
		got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.Parking), MaxNumberOfMessages: 10,
			VisibilityTimeout: 30, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) == 0 {
			break
		}
		for _, m := range got.Messages {
			p := parkedMessage{attrs: map[string]string{}}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &p.record); err != nil {
				t.Fatalf("parked message %q is not a stream record: %v", aws.ToString(m.Body), err)
			}
			for k, v := range m.MessageAttributes {
				p.attrs[k] = aws.ToString(v.StringValue)
			}
			out = append(out, p)
			receipts = append(receipts, m.ReceiptHandle)
		}
	}
	for _, r := range receipts {
		if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(w.Parking),
			ReceiptHandle: r, VisibilityTimeout: 0}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// replay invokes the function with a replay request, as aws lambda invoke
// does.
func (w *world) replay(t *testing.T, req replayRequest) replayResult {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"replay": req})
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(w.d.invoke).Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	var res replayResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// misroute makes the desk send L2's hand-offs to a queue that does not
// exist: a misconfiguration, which dispatch retries for a while.
func (w *world) misroute() {
	queues := map[ticket.Tier]string{}
	for tier, u := range w.Queues {
		queues[tier] = u
	}
	queues[ticket.L2] += "-gone"
	w.d.desk.Queue = sqsqueue.New(w.SQS, queues)
}

// unplug makes the desk's queues unreachable: an outage.
func (w *world) unplug() {
	w.d.desk.Queue = sqsqueue.New(awstest.SQSClient("http://127.0.0.1:1"), w.Queues)
}

func (w *world) restore() { w.d.desk.Queue = sqsqueue.New(w.SQS, w.Queues) }

// Ensure a poisoned record (images that are not a ticket) is parked whole
// with the reason and the ticket it was about, counts as done so that the
// records after it are dispatched, and fails again on replay without
// leaving the parking queue.
func TestPoisonedRecordIsParked(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	bad := ev.Records[2]
	bad.Change.NewImage = map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("T#" + lambdatest.TicketB),
		"sk": events.NewStringAttribute("T"), "tier": events.NewStringAttribute("L9")}
	ev.Records[2] = bad
	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("failed records %v, want none: the poisoned one parked", got)
	}
	if got := w.queued(t, ticket.L2); len(got) != 1 || got[0] != lambdatest.TicketA+".2" {
		t.Fatalf("L2 queue %v, want TicketA's hand-off from the record before the bad one", got)
	}
	parked := w.parked(t)
	if len(parked) != 1 {
		t.Fatalf("%d records parked, want the poisoned one", len(parked))
	}
	if !reflect.DeepEqual(normalJSON(t, parked[0].record), normalJSON(t, bad)) {
		t.Fatalf("parked record %+v, want the record whole as Lambda delivered it: %+v", parked[0].record, bad)
	}
	if a := parked[0].attrs; a[attrTicket] != lambdatest.TicketB || a[attrSequence] != bad.Change.SequenceNumber ||
		!strings.Contains(a[attrReason], "not a ticket") {
		t.Fatalf("parked attributes %v, want the ticket, the sequence number and why", a)
	}

	res := w.replay(t, replayRequest{})
	if res.Replayed != 0 || len(res.Failed) != 1 || res.Failed[0].Ticket != lambdatest.TicketB || res.More {
		t.Fatalf("replay %+v, want the poisoned record failing again, and nothing more", res)
	}
	attrs, err := w.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(w.Parking),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Fatalf("parking queue %v (%v), want the failed record still there, hidden until the next replay", attrs, err)
	}
}

// Ensure a failing record is retried or parked by why it fails and how
// long ago it was written: a misconfiguration for 15 minutes, an outage
// for 12 hours; and that the ones retried are reported, not parked.
func TestFailingRecordsParkByAge(t *testing.T) {
	tests := []struct {
		name   string
		fault  func(w *world)
		age    time.Duration
		parked bool
	}{
		{"misconfigured_young", (*world).misroute, 10 * time.Minute, false},
		{"misconfigured_old", (*world).misroute, 16 * time.Minute, true},
		{"outage_old", (*world).unplug, 2 * time.Hour, false},
		{"outage_ancient", (*world).unplug, 13 * time.Hour, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			ev := w.sample(t)
			one := events.DynamoDBEvent{Records: ev.Records[1:2]} // TicketA escalated to L2: a hand-off to L2
			w.Now = one.Records[0].Change.ApproximateCreationDateTime.Add(tc.age)
			tc.fault(w)
			failed := w.call(t, one)
			parked := w.parked(t)
			switch {
			case tc.parked && (len(failed) != 0 || len(parked) != 1):
				t.Fatalf("failed %v, parked %d; want the record parked", failed, len(parked))
			case !tc.parked && (len(failed) != 1 || len(parked) != 0):
				t.Fatalf("failed %v, parked %d; want the record reported for a retry", failed, len(parked))
			}
		})
	}
}

// Ensure a parked record is dispatched by replay once its cause is fixed,
// through the same path as the stream, and deleted; that replay stops at
// max and says there is more; and that an empty queue replays nothing.
func TestReplay(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	w.Now = lambdatest.At.Add(time.Hour)
	w.misroute()
	if got := w.call(t, events.DynamoDBEvent{Records: ev.Records[1:3]}); len(got) != 0 {
		t.Fatalf("failed records %v, want both L2 hand-offs parked", got)
	}
	if got := w.parked(t); len(got) != 2 {
		t.Fatalf("parked %d records, want 2", len(got))
	}
	w.restore()
	if res := w.replay(t, replayRequest{Max: 1}); res.Replayed != 1 || len(res.Failed) != 0 || !res.More {
		t.Fatalf("replay max 1: %+v, want one replayed and more to come", res)
	}
	if res := w.replay(t, replayRequest{}); res.Replayed != 1 || len(res.Failed) != 0 || res.More {
		t.Fatalf("second replay: %+v, want the last record replayed and nothing more", res)
	}
	if got := w.queued(t, ticket.L2); strings.Join(got, " ") != lambdatest.TicketA+".2 "+lambdatest.TicketB+".1" {
		t.Fatalf("L2 queue %v, want both hand-offs of the replayed records", got)
	}
	sample := lambdatest.Decode[invocation](t, lambdatest.Event(t, replayFile))
	if sample.Replay == nil || len(sample.Records) != 0 {
		t.Fatalf("%s reads as %+v, want a replay request", replayFile, sample)
	}
	if res := w.replay(t, *sample.Replay); res.Replayed != 0 || len(res.Failed) != 0 || res.More {
		t.Fatalf("replay of an empty queue: %+v, want nothing", res)
	}
}

// Ensure a record that should park but cannot (the parking queue is gone)
// is reported for a retry rather than counted as done: nothing is lost.
func TestParkingFailureIsRetried(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	w.d.parking.url += "-gone"
	bad := ev.Records[0]
	bad.Change.NewImage = map[string]events.DynamoDBAttributeValue{"pk": bad.Change.Keys["pk"], "sk": bad.Change.Keys["sk"]}
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{bad, ev.Records[1]}}); len(got) != 1 || got[0] != bad.Change.SequenceNumber {
		t.Fatalf("failed records %v, want the poisoned record reported, as it could not be parked", got)
	}
}

// panickingTimer is a timer whose every call panics: the one fault no
// real service can be made to produce.
type panickingTimer struct{}

func (panickingTimer) Start(context.Context, ...ticket.Wake) error { panic("timer exploded") }
func (panickingTimer) Stop(context.Context, ...ticket.Wake) error  { panic("timer exploded") }

// Ensure a panic while dispatching a record parks that record with the
// panic as its reason, instead of failing every invocation until the
// record expires.
func TestPanicParks(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	w.d.desk.Timer = panickingTimer{}
	one := events.DynamoDBEvent{Records: ev.Records[:1]} // TicketA created: a hand-off and a timer
	if got := w.call(t, one); len(got) != 0 {
		t.Fatalf("failed records %v, want the record parked", got)
	}
	if p := w.parked(t); len(p) != 1 || !strings.Contains(p[0].attrs[attrReason], "panic: timer exploded") {
		t.Fatalf("parked %+v, want the record with the panic as its reason", p)
	}
}

// Ensure a record too large for one message is parked without its old
// image, and says so, rather than not parked at all.
func TestOversizedRecordParksTrimmed(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	big := ev.Records[1]
	huge := events.NewStringAttribute(strings.Repeat("x", 300_000))
	for _, img := range []map[string]events.DynamoDBAttributeValue{big.Change.OldImage, big.Change.NewImage} {
		for _, k := range []string{"description", "title", "source"} {
			img[k] = huge
		}
	}
	w.d.desk.Queue = nil // any failure parks: a desk without a queue panics
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{big}}); len(got) != 0 {
		t.Fatalf("failed records %v, want the record parked", got)
	}
	p := w.parked(t)
	if len(p) != 1 || len(p[0].record.Change.OldImage) != 0 || len(p[0].record.Change.NewImage) == 0 ||
		!strings.Contains(p[0].attrs[attrTrimmed], "old image dropped") {
		t.Fatalf("parked %d records (%v), want the record without its old image, marked trimmed", len(p), p)
	}
}

// Ensure an invocation is a stream batch or a replay request, not both.
func TestInvocationIsOneThing(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	payload, _ := json.Marshal(map[string]any{"Records": ev.Records[:1], "replay": map[string]any{}})
	if _, err := lambda.NewHandler(w.d.invoke).Invoke(ctx, payload); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("invoke both = %v, want it refused", err)
	}
}
