package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure the built bootstrap, run against the fake Runtime API with the
// template's environment pointed at minidyn, fauxqs and moto_server,
// sweeps on the sample scheduled event: the fixture's tickets,
// written with deadlines of a second long ago, are all late; report its
// cold start.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "sweep")
	w := newWorld(t)
	lambdatest.Fixture{Store: w.Tickets, Config: lambdatest.Config(t)}.CreateA(t)
	env := map[string]string{
		"TABLE_NAME":                 w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":            lambdatest.ConfigPath(t),
		"TIERLINE_STAGE":             "test",
		"QUEUE_URL_L1":               w.Queues[ticket.L1],
		"QUEUE_URL_L2":               w.Queues[ticket.L2],
		"QUEUE_URL_L3":               w.Queues[ticket.L3],
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
	t.Logf("REPORT sweep bootstrap (host build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	res := rt.InvokeJSON(t, lambdatest.Event(t, sampleFile))
	var out result
	if res.Error || json.Unmarshal(res.Body, &out) != nil || out.Suspects != 1 || out.Stepped != 1 || out.Resent != 0 {
		t.Fatalf("answer %s (error %v %s), want TicketA stepped\n%s", res.Body, res.Error, res.ErrorType, p.Output())
	}
	if tk, err := w.Tickets.Get(ctx, lambdatest.TicketA); err != nil || tk.Tier != ticket.L2 {
		t.Fatalf("TicketA %+v (%v), want escalated to L2", tk, err)
	}
}
