package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

// Ensure the built bootstrap, run against the fake Runtime API with the
// template's environment pointed at minidyn, answers the sample input with
// the next wake, and that the errors aws-lambda-go reports for it carry
// the type names the state machine's Retry and Catch match on; report its
// cold start.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "escalate")
	w := newWorld(t)
	w.f.CreateA(t)
	env := map[string]string{
		"TABLE_NAME":                w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":           lambdatest.ConfigPath(t),
		"AWS_ENDPOINT_URL_DYNAMODB": w.DynamoURL,
	}
	starts := lambdatest.ColdStarts(t, bin, env, 7)
	info, _ := os.Stat(bin)
	t.Logf("REPORT escalate bootstrap (host build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	res := rt.InvokeJSON(t, lambdatest.Event(t, "escalate-input.json"))
	var out sfntimer.Output
	if res.Error || json.Unmarshal(res.Body, &out) != nil || out.TicketID != lambdatest.TicketA || out.Clock != 1 || out.Done {
		t.Fatalf("answer %s (error %s), want TicketA's next wake\n%s", res.Body, res.ErrorType, p.Output())
	}
	tk, err := w.Tickets.Get(ctx, lambdatest.TicketA)
	if err != nil {
		t.Fatal(err)
	}
	// The sample's deadline is 2026-11-23T09:00:01Z: the step escalates
	// once the machine's clock is past it, and waits for it before.
	if time.Now().After(lambdatest.At.Add(time.Second)) != (tk.Tier == ticket.L2) {
		t.Fatalf("ticket at %s at %v", tk.Tier, time.Now())
	}

	def, err := os.ReadFile(aslPath(t))
	if err != nil {
		t.Fatal(err)
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
		if tc.want == "TransientError" && !strings.Contains(string(def), `"ErrorEquals": ["`+res.ErrorType+`"`) {
			t.Errorf("%s: the state machine does not retry errorType %q", tc.name, res.ErrorType)
		}
	}
}
