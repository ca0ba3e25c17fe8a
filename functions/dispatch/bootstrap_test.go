package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure the built bootstrap, run against the fake Runtime API with the
// template's environment pointed at minidyn, fauxqs and moto_server, dispatches the sample batch; report its cold start.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "dispatch")
	w := newWorld(t)
	ev := w.sample(t)
	env := map[string]string{
		"TABLE_NAME":                 w.Env["TABLE_NAME"],
		"QUEUE_URL_L1":               w.Queues[ticket.L1],
		"QUEUE_URL_L2":               w.Queues[ticket.L2],
		"QUEUE_URL_L3":               w.Queues[ticket.L3],
		"PARKING_QUEUE_URL":          w.Parking,
		"TIERLINE_STAGE":             "test",
		"SCHEDULE_GROUP":             w.Env["SCHEDULE_GROUP"],
		"SCHEDULER_ROLE_ARN":         w.Env["SCHEDULER_ROLE_ARN"],
		"TIMER_DLQ_ARN":              w.Env["TIMER_DLQ_ARN"],
		"ESCALATE_FUNCTION_ARN":      w.Env["ESCALATE_FUNCTION_ARN"],
		"AWS_ENDPOINT_URL_DYNAMODB":  w.DynamoURL,
		"AWS_ENDPOINT_URL_SQS":       w.Fauxqs,
		"AWS_ENDPOINT_URL_SCHEDULER": w.Timers.Endpoint,
	}
	starts := lambdatest.ColdStarts(t, bin, env, 7)
	info, _ := os.Stat(bin)
	t.Logf("REPORT dispatch bootstrap (host build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	res := rt.InvokeJSON(t, payload)
	var resp events.DynamoDBEventResponse
	if res.Error || json.Unmarshal(res.Body, &resp) != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("answer %s (error %v %s), want no failed records\n%s", res.Body, res.Error, res.ErrorType, p.Output())
	}
	if got := w.queued(t, ticket.L2); len(got) != 2 {
		t.Fatalf("L2 queue %v, want the two hand-offs of the batch\n%s", got, p.Output())
	}
	if got := w.running(t); len(got) != 1 {
		t.Fatalf("pending schedules %v, want TicketB's", got)
	}
	res = rt.InvokeJSON(t, lambdatest.Event(t, replayFile))
	var replayed replayResult
	if res.Error || json.Unmarshal(res.Body, &replayed) != nil || replayed.Replayed != 0 || replayed.More {
		t.Fatalf("replay answer %s (error %v %s), want an empty parking queue replayed\n%s", res.Body, res.Error, res.ErrorType, p.Output())
	}
}
