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
// template's environment pointed at minidyn and fauxqs, delivers the sample
// batch to L2's topic and reports no failures; report its cold start.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "notify")
	w := newWorld(t, lambdatest.Config(t))
	w.seed(t)
	env := map[string]string{
		"TABLE_NAME":                w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":           lambdatest.ConfigPath(t),
		"TIERLINE_BASE_URL":         w.Env["TIERLINE_BASE_URL"],
		"TOPIC_ARN_L1":              w.Topics[ticket.L1],
		"TOPIC_ARN_L2":              w.Topics[ticket.L2],
		"TOPIC_ARN_L3":              w.Topics[ticket.L3],
		"AWS_ENDPOINT_URL_DYNAMODB": w.DynamoURL,
		"AWS_ENDPOINT_URL_SNS":      w.Fauxqs,
	}
	starts := lambdatest.ColdStarts(t, bin, env, 7)
	info, _ := os.Stat(bin)
	t.Logf("REPORT notify bootstrap (host build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	res := rt.InvokeJSON(t, lambdatest.Event(t, "notify-sqs.json"))
	if res.Error {
		t.Fatalf("error %s: %s\n%s", res.ErrorType, res.Message, p.Output())
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(res.Body, &resp); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("response %s (%v), want no batch item failures\n%s", res.Body, err, p.Output())
	}
	if n := w.received(t, ticket.L2, 5); n != 2 {
		t.Fatalf("L2 topic got %d hand-offs, want 2\n%s", n, p.Output())
	}
}
