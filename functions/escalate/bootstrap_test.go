package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// Ensure the built bootstrap, run against the fake Runtime API with the
// template's environment pointed at minidyn and moto_server, runs the
// sample step and schedules the next one on the ARN it was invoked by,
// and that the errors aws-lambda-go reports carry the type names the
// dead letters keep; report its cold start.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "escalate")
	w := newWorld(t)
	w.f.CreateA(t)
	env := map[string]string{
		"TABLE_NAME":                 w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":            lambdatest.ConfigPath(t),
		"SCHEDULE_GROUP":             w.Env["SCHEDULE_GROUP"],
		"SCHEDULER_ROLE_ARN":         w.Env["SCHEDULER_ROLE_ARN"],
		"TIMER_DLQ_ARN":              w.Env["TIMER_DLQ_ARN"],
		"AWS_ENDPOINT_URL_DYNAMODB":  w.DynamoURL,
		"AWS_ENDPOINT_URL_SCHEDULER": w.timers.Endpoint,
	}
	starts := lambdatest.ColdStarts(t, bin, env, 7)
	info, _ := os.Stat(bin)
	t.Logf("REPORT escalate bootstrap (host build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	res := rt.InvokeJSON(t, lambdatest.Event(t, "escalate-input.json"))
	if res.Error {
		t.Fatalf("answer %s (error %s), want the step done\n%s", res.Body, res.ErrorType, p.Output())
	}
	// The sample's deadline is 2026-11-23T09:00:01Z, long past: the step
	// escalates to L2 and schedules L2's deadline.
	tk, err := w.Tickets.Get(ctx, lambdatest.TicketA)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Tier != ticket.L2 {
		t.Fatalf("ticket at %s, want L2", tk.Tier)
	}
	got, err := w.timers.List(ctx, lambdatest.TicketA+"-")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || aws.ToString(got[0].Target.Arn) != lambdatest.FunctionARN || aws.ToString(got[0].Target.RoleArn) != w.Env["SCHEDULER_ROLE_ARN"] {
		t.Fatalf("schedules %+v, want one targeting the invoked function %s", got, lambdatest.FunctionARN)
	}
	var in schedtimer.Input
	if err := json.Unmarshal([]byte(aws.ToString(got[0].Target.Input)), &in); err != nil || in.TicketID != lambdatest.TicketA || in.Clock != tk.Clock {
		t.Fatalf("next schedule's input %s (%v), want TicketA's clock %d", aws.ToString(got[0].Target.Input), err, tk.Clock)
	}

	for _, tc := range []struct {
		name, in, want string
		failDB         bool
	}{
		{"bad_input", `{"ticket_id":"nope","clock":1,"at":"2026-11-23T09:00:01Z"}`, "InputError", false},
		{"store_down", string(lambdatest.Event(t, "escalate-input.json")), "TransientError", true},
	} {
		if tc.failDB {
			w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
		}
		res := rt.InvokeJSON(t, []byte(tc.in))
		w.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
		if !res.Error || res.ErrorType != tc.want {
			t.Errorf("%s: answer %s (error %v, type %q), want errorType %s", tc.name, res.Body, res.Error, res.ErrorType, tc.want)
		}
	}
}
