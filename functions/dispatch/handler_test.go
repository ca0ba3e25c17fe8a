package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

var ctx = context.Background()

// world is dispatch's stand-ins: the tickets table on minidyn, the three
// tier queues on fauxqs and the schedule group on moto_server, named as
// the template names them.
type world struct {
	*lambdatest.World
	Fauxqs  string
	SQS     *sqs.Client
	Queues  map[ticket.Tier]string // queue URLs on fauxqs
	Timers  *lambdatest.Timers
	Parking string    // the parking queue's URL on fauxqs
	Now     time.Time // dispatch's clock; the sample's records were written a minute or so before
	d       *dispatcher
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{World: lambdatest.NewWorld(t, "DispatchFunction"), Fauxqs: awstest.Fauxqs(t), Queues: map[ticket.Tier]string{}}
	w.Timers = w.NewTimers(t)
	w.SQS = awstest.SQSClient(w.Fauxqs, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, w.APIOptions()...) })
	for _, tier := range ticket.Tiers {
		w.Queues[tier] = w.queue(t, w.Env["QUEUE_URL_"+tier.String()])
	}
	w.Parking = w.queue(t, w.Env["PARKING_QUEUE_URL"])
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	w.d = &dispatcher{log: log, purge: w.Tickets.Purge, parking: &parking{sqs: w.SQS, url: w.Parking}, desk: &desk.Service{Store: w.Tickets, Log: log,
		Queue: sqsqueue.New(w.SQS, w.Queues),
		Timer: w.Timers.Timer}}
	w.Now = lambdatest.At.Add(2 * time.Minute)
	w.d.now = func() time.Time { return w.Now }
	return w
}

// queue creates on fauxqs the queue the template's URL u names and
// returns its URL there.
func (w *world) queue(t *testing.T, u string) string {
	t.Helper()
	q, err := w.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(u[strings.LastIndex(u, "/")+1:])})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(q.QueueUrl)
}

// sample writes the fixture's story into the table, as the sample batch
// tells it, then removes TicketA's head as TTL would, so that its REMOVE
// record has events left to purge.
func (w *world) sample(t *testing.T) events.DynamoDBEvent {
	t.Helper()
	ev := lambdatest.Decode[events.DynamoDBEvent](t, lambdatest.Event(t, sampleFile))
	f := lambdatest.Fixture{Store: w.Tickets, Config: lambdatest.Config(t)}
	f.CreateA(t)
	f.EscalateA(t)
	f.CreateB(t)
	f.ResolveA(t)
	if _, err := w.Dynamo.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(w.Env["TABLE_NAME"]), Key: headKey(lambdatest.TicketA)}); err != nil {
		t.Fatal(err)
	}
	w.Calls.Reset()
	w.Counter.Reset()
	w.Capacity.Take()
	return ev
}

func (w *world) call(t *testing.T, ev events.DynamoDBEvent) []string {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(w.d.invoke).Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("handler error (Lambda would retry and bisect the batch): %v", err)
	}
	var resp events.DynamoDBEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	var seqs []string
	for _, f := range resp.BatchItemFailures {
		seqs = append(seqs, f.ItemIdentifier)
	}
	return seqs
}

// queued drains a tier queue and returns its notices as "ticket.seq".
func (w *world) queued(t *testing.T, tier ticket.Tier) []string {
	t.Helper()
	var keys []string
	for {
		out, err := awstest.SQSClient(w.Fauxqs).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.Queues[tier]),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			sort.Strings(keys)
			return keys
		}
		for _, m := range out.Messages {
			n, err := sqsqueue.Decode(aws.ToString(m.Body))
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, n.Key())
			awstest.SQSClient(w.Fauxqs).DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.Queues[tier]), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

// running lists the escalation schedules pending, as "name input".
func (w *world) running(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, in := range w.Timers.Pending(t, "") {
		b, _ := json.Marshal(in)
		out = append(out, schedtimer.Name(in.Wake())+" "+string(b))
	}
	return out
}

// Ensure the sample batch asks for exactly what its changes call for:
// each new hand-off on its tier's queue, TicketB's timer started with its
// acknowledge deadline, TicketA's timer (started and stopped within the
// batch) never started but stopped, and the timeline of TicketA, whose head
// TTL removed, purged; and that the same batch again changes nothing.
func TestReplayEvents(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("failed records %v, want none", got)
	}
	t.Logf("REPORT dispatch batch of %d records: %s (%s; the purge of one expired ticket)", len(ev.Records), w.Counter.String(), w.Capacity.String())
	want := map[ticket.Tier][]string{ticket.L1: {lambdatest.TicketA + ".1"}, ticket.L2: {lambdatest.TicketA + ".2", lambdatest.TicketB + ".1"}}
	for _, tier := range ticket.Tiers {
		if got := w.queued(t, tier); strings.Join(got, " ") != strings.Join(want[tier], " ") {
			t.Errorf("%s queue holds %v, want %v", tier, got, want[tier])
		}
	}
	startB := lambdatest.TicketB + `-1-202611230901 {"ticket_id":"` + lambdatest.TicketB + `","clock":1,"at":"2026-11-23T09:00:01Z"}`
	if got := w.running(t); len(got) != 1 || got[0] != startB {
		t.Fatalf("pending schedules %v, want only %s", got, startB)
	}
	// TicketA's timer was started and stopped within the batch: stopped
	// (a list of its clock's schedules, none to delete), never created.
	if c := w.Counter.Take(); c["Scheduler.ListSchedules"] != 1 || c["Scheduler.DeleteSchedule"] != 0 || c["Scheduler.CreateSchedule"] != 1 {
		t.Fatalf("Scheduler requests %v, want TicketA's clock listed and TicketB's schedule created", c)
	}
	left, err := w.Dynamo.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(w.Env["TABLE_NAME"]),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": headKey(lambdatest.TicketA)["pk"]}})
	if err != nil || len(left.Items) != 0 {
		t.Fatalf("TicketA has %d items left after its head was removed (%v), want its timeline purged", len(left.Items), err)
	}

	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("redelivered batch: failed records %v, want none", got)
	}
	if got := w.running(t); len(got) != 1 || got[0] != startB {
		t.Fatalf("after redelivery, pending schedules %v, want only %s", got, startB)
	}
}

// Ensure a record that fails for a reason that may pass is reported by
// its sequence number, the first one only (Lambda retries from it), after
// the records before it were dispatched, and is not parked.
func TestFailuresAreReportedByRecord(t *testing.T) {
	t.Run("scheduler_down", func(t *testing.T) {
		// Ensure a failing timer service fails the first record that needs it.
		w := newWorld(t)
		ev := w.sample(t)
		w.Timers.Outage.Fail(http.StatusInternalServerError, "InternalServerException")
		if got := w.call(t, ev); len(got) != 1 || got[0] != ev.Records[0].Change.SequenceNumber {
			t.Fatalf("failed records %v, want the first, %s", got, ev.Records[0].Change.SequenceNumber)
		}
		if got := w.parked(t); len(got) != 0 {
			t.Fatalf("parked %d records, want none: an outage is retried", len(got))
		}
	})
}

// Ensure the dispatch function's policies allow every AWS call the sample
// batch makes, plus a hand-off to L3 (TicketB escalated), TicketB's timer
// deleted (resolved), a record parked and replayed, and nothing else.
func TestPoliciesAllowCalls(t *testing.T) {
	w := newWorld(t)
	ev := w.sample(t)
	old := head(t, w.World, lambdatest.TicketB)
	if _, err := w.Tickets.Update(ctx, lambdatest.TicketB, func(tk *ticket.Ticket) error {
		return tk.Escalate(ticket.Escalation{To: ticket.L3, Actor: ticket.Tierline, Reason: "not acknowledged within 1s at L2",
			At: lambdatest.At.Add(2 * time.Second), Deadlines: lambdatest.Config(t).Deadlines("", ticket.L3)})
	}); err != nil {
		t.Fatal(err)
	}
	ev.Records = append(ev.Records, streamRecord(t, "MODIFY", old, head(t, w.World, lambdatest.TicketB), lambdatest.TicketB,
		"400000000000000009999", lambdatest.At.Add(2*time.Second)))
	// Then TicketB resolved: its running timer is deleted.
	old = head(t, w.World, lambdatest.TicketB)
	if _, err := w.Tickets.Update(ctx, lambdatest.TicketB, func(tk *ticket.Ticket) error {
		return tk.Resolve("alice", "restarted the exporter", lambdatest.At.Add(3*time.Second))
	}); err != nil {
		t.Fatal(err)
	}
	resolved := streamRecord(t, "MODIFY", old, head(t, w.World, lambdatest.TicketB), lambdatest.TicketB, "400000000000000019999", lambdatest.At.Add(3*time.Second))
	w.Calls.Reset()
	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	if got := w.queued(t, ticket.L3); len(got) != 1 {
		t.Fatalf("L3 queue %v, want TicketB's hand-off", got)
	}
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{resolved}}); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	if got := w.running(t); len(got) != 0 {
		t.Fatalf("schedules left after TicketB's resolution: %v", got)
	}
	poisoned := ev.Records[0]
	poisoned.Change.NewImage = map[string]events.DynamoDBAttributeValue{"pk": poisoned.Change.Keys["pk"], "sk": poisoned.Change.Keys["sk"]}
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{poisoned}}); len(got) != 0 {
		t.Fatalf("failed records %v, want the poisoned record parked", got)
	}
	if err := w.d.parking.park(ctx, ev.Records[1], errors.New("parked by the test")); err != nil {
		t.Fatal(err)
	}
	if res := w.replay(t, replayRequest{}); res.Replayed != 1 || len(res.Failed) != 1 {
		t.Fatalf("replay %+v, want the good record replayed and the poisoned one failing again", res)
	}
	lambdatest.CheckPolicies(t, "DispatchFunction", w.Calls.List())
}
