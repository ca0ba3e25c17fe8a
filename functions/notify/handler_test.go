package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
)

// call runs a batch through the handler as Lambda does, as JSON.
func (w *world) call(t *testing.T, ev events.SQSEvent) events.SQSEventResponse {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(w.n.handle).Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("handler error (Lambda would retry the whole batch): %v", err)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func failed(resp events.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	slices.Sort(ids)
	return ids
}

// Ensure the sample batch from the L2 queue pages L2's topic once per
// hand-off and records each delivery on its ticket, and that the same
// batch delivered again pages nobody.
func TestReplayEvents(t *testing.T) {
	w := newWorld(t, lambdatest.Config(t))
	w.seed(t)
	ev := lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))
	if got := failed(w.call(t, ev)); len(got) != 0 {
		t.Fatalf("failures %v, want none", got)
	}
	t.Logf("REPORT notify batch of %d: %s (%s)", len(ev.Records), w.Counter.String(), w.Capacity.String())
	if n := w.received(t, ticket.L2, 5); n != 2 {
		t.Fatalf("L2 topic got %d hand-offs, want 2", n)
	}
	for id, seq := range map[string]int{lambdatest.TicketA: 2, lambdatest.TicketB: 1} {
		tk, err := w.Tickets.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !tk.Delivered(seq, "sns") {
			t.Errorf("ticket %s: hand-off %d not recorded as delivered to sns", id, seq)
		}
	}

	w.Counter.Reset()
	w.Capacity.Take()
	if got := failed(w.call(t, ev)); len(got) != 0 {
		t.Fatalf("redelivery failures %v, want none", got)
	}
	if n := w.received(t, ticket.L2, 1); n != 0 {
		t.Fatalf("the redelivered batch paged L2 %d more times, want 0", n)
	}
	if got := w.Counter.Counts(); got["SNS.Publish"] != 0 {
		t.Fatalf("redelivery published: %v", got)
	}
	t.Logf("REPORT notify redelivered batch of %d: %s (%s)", len(ev.Records), w.Counter.String(), w.Capacity.String())
}

// Ensure the bodies of the sample batch are what sqsqueue sends for their
// notices, as SQS delivers them: if the message format changes, this
// fails until the sample is written again.
func TestSampleBodiesAreSqsqueueMessages(t *testing.T) {
	ev := lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))
	endpoint := awstest.Fauxqs(t)
	client := awstest.SQSClient(endpoint)
	made, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("tierline-L2Queue")})
	if err != nil {
		t.Fatal(err)
	}
	q := sqsqueue.New(client, map[ticket.Tier]string{ticket.L2: aws.ToString(made.QueueUrl)})
	for _, r := range ev.Records {
		n, err := sqsqueue.Decode(r.Body)
		if err != nil {
			t.Fatalf("record %s: %v", r.MessageId, err)
		}
		if n.Tier != ticket.L2 {
			t.Fatalf("record %s is for %s, but the batch comes from the L2 queue", r.MessageId, n.Tier)
		}
		if err := q.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
		got, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: made.QueueUrl, WaitTimeSeconds: 5})
		if err != nil || len(got.Messages) != 1 {
			t.Fatalf("receive: %v, %v", got, err)
		}
		if body := aws.ToString(got.Messages[0].Body); body != r.Body {
			t.Fatalf("sqsqueue sends %s for notice %+v; the sample has %s", body, n, r.Body)
		}
		client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: made.QueueUrl, ReceiptHandle: got.Messages[0].ReceiptHandle})
	}
}

// Ensure every way a message can fail is reported for that message only,
// so that SQS redelivers it (and, in the end, moves it to the tier's
// dead-letter queue), while the rest of the batch is done with.
func TestFailuresAreReportedPerMessage(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(down.Close)
	sample := lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))
	a, b := sample.Records[0], sample.Records[1]
	poison := b
	poison.MessageId, poison.Body = "0b5e7f51-poison", "not a notice"
	missing := b
	missing.MessageId, missing.Body = "1c6f8a62-missing", `{"ticket_id":"0c7g2m4x9k3t3r","tier":"L2","seq":1}`
	tests := []struct {
		name    string
		config  string // channels of L2; empty: the sample config's
		records []events.SQSMessage
		failDB  bool
		want    []string
		pages   int
	}{
		// Ensure a body that is not a notice fails alone.
		{name: "poison_message", records: []events.SQSMessage{a, poison, b}, want: []string{poison.MessageId}, pages: 2},
		// Ensure a notice for a ticket that is gone is dropped, not retried.
		{name: "ticket_gone", records: []events.SQSMessage{missing, a}, pages: 1},
		// Ensure a channel that fails fails its messages.
		{name: "channel_down", config: fmt.Sprintf("[{kind: webhook, url: %q}]", down.URL), records: []events.SQSMessage{a, b},
			want: []string{a.MessageId, b.MessageId}},
		// Ensure a store that fails fails every message.
		{name: "store_down", records: []events.SQSMessage{a, b}, failDB: true, want: []string{a.MessageId, b.MessageId}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := lambdatest.Config(t)
			if tc.config != "" {
				var err error
				if cfg, err = policy.Parse("test.yaml", []byte("channels:\n  L2: "+tc.config+"\n")); err != nil {
					t.Fatal(err)
				}
			}
			w := newWorld(t, cfg)
			w.seed(t)
			if tc.failDB {
				w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
			}
			got := failed(w.call(t, events.SQSEvent{Records: tc.records}))
			w.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("failures %v, want %v", got, want)
			}
			if n := w.received(t, ticket.L2, 2); n != tc.pages {
				t.Fatalf("L2 paged %d times, want %d", n, tc.pages)
			}
		})
	}
}

// Ensure the notify function's policies allow every AWS call it makes
// delivering the sample batch, and nothing else.
func TestPoliciesAllowCalls(t *testing.T) {
	w := newWorld(t, lambdatest.Config(t))
	// The sample batch's tickets, and one hand-off at L1 and at L3 too, so
	// that every tier's topic is published to.
	extra := map[ticket.Tier]string{ticket.L1: "0c7g2m4x9k3t4s", ticket.L3: "0c7g2m4x9k3t5v"}
	for tier, id := range extra {
		if _, err := w.Tickets.Upsert(ctx, "prometheus", id, func(*ticket.Ticket) (*ticket.Ticket, error) {
			return ticket.New(id, "prometheus", ticket.Signal{Action: ticket.Trigger, DedupKey: id, Title: "x"},
				ticket.Placement{Tier: tier}, nil, lambdatest.At)
		}); err != nil {
			t.Fatal(err)
		}
	}
	w.seed(t) // resets the calls recorded so far
	batches := []events.SQSEvent{lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))}
	for tier, id := range extra {
		body := sqsqueue.Encode(ticket.Notice{TicketID: id, Tier: tier, Seq: 1})
		batches = append(batches, events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: body}}})
	}
	for _, ev := range batches {
		if got := failed(w.call(t, ev)); len(got) != 0 {
			t.Fatalf("failures %v", got)
		}
	}
	w.ReadSecrets(t) // the cold start's reads of the config's secrets
	lambdatest.CheckPolicies(t, "NotifyFunction", w.Calls.List())
}
