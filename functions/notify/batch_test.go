package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
)

// Ensure a hand-off to three channels of a tier (its SNS topic, a webhook,
// the log) costs one DynamoDB write, which records all three deliveries,
// and so one stream record for dispatch to read.
func TestNoticeToThreeChannelsIsOneWrite(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(hook.Close)
	cfg, err := policy.Parse("test.yaml", fmt.Appendf(nil, "channels:\n  L2: [{kind: sns}, {name: hook, kind: webhook, url: %q}, {name: log, kind: log}]\n", hook.URL))
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, cfg)
	w.seed(t)
	sample := lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))
	if got := failed(w.call(t, events.SQSEvent{Records: sample.Records[1:2]})); len(got) != 0 { // TicketB's hand-off 1
		t.Fatalf("failures %v, want none", got)
	}
	counts := w.Counter.Take()
	t.Logf("REPORT notify one hand-off to three channels: %s", awstest.Format(counts))
	writes := 0
	for op, n := range counts {
		switch strings.TrimPrefix(op, "DynamoDB.") {
		case "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem":
			writes += n
		}
	}
	if writes != 1 {
		t.Errorf("%d DynamoDB writes (%s), want 1 for the three deliveries", writes, awstest.Format(counts))
	}
	tk, err := w.Tickets.Get(ctx, lambdatest.TicketB)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"sns", "hook", "log"} {
		if !tk.Delivered(1, ch) {
			t.Errorf("delivery to %s not recorded", ch)
		}
	}
}

// Ensure a hand-off whose channel hangs does not hold its batch past the
// invocation's deadline: it is cut off in time for the handler to answer,
// reported as failed, and the rest of the batch is delivered and recorded.
// Without the answer Lambda would fail the whole batch at the timeout.
func TestHangingChannelIsCutOffBeforeTheDeadline(t *testing.T) {
	stop := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var m notify.Message
		json.NewDecoder(r.Body).Decode(&m)
		if m.Tierline.Ticket.ID == lambdatest.TicketA { // hangs until the caller gives up
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		}
	}))
	t.Cleanup(hook.Close)
	t.Cleanup(func() { close(stop) })
	cfg, err := policy.Parse("test.yaml", fmt.Appendf(nil, "channels:\n  L2: [{name: hook, kind: webhook, url: %q}]\n", hook.URL))
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, cfg)
	w.n.desk.Notifier.(*notify.Deliverer).Client = &http.Client{} // no client timeout: only the deadline ends the hang
	w.seed(t)
	sample := lambdatest.Decode[events.SQSEvent](t, lambdatest.Event(t, "notify-sqs.json"))
	lctx, cancel := context.WithTimeout(ctx, 3*time.Second) // the invocation's deadline, as Lambda sets it
	defer cancel()
	resp, err := w.n.handle(lctx, sample)
	if err != nil {
		t.Fatal(err)
	}
	if lctx.Err() != nil {
		t.Fatalf("the handler answered after its deadline (%v): Lambda would have failed the whole batch", lctx.Err())
	}
	if got, want := failed(resp), []string{sample.Records[0].MessageId}; !slices.Equal(got, want) {
		t.Fatalf("failures %v, want only the hanging hand-off %v", got, want)
	}
	for id, want := range map[string]bool{lambdatest.TicketA: false, lambdatest.TicketB: true} {
		tk, err := w.Tickets.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if seq := map[string]int{lambdatest.TicketA: 2, lambdatest.TicketB: 1}[id]; tk.Delivered(seq, "hook") != want {
			t.Errorf("ticket %s: delivered=%v, want %v", id, !want, want)
		}
	}
}
