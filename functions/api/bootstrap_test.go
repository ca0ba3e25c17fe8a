package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/wire"
)

// Ensure the built bootstrap, run as a process against the fake Runtime
// API with the environment the template gives it (endpoints pointed at
// minidyn), answers the sample requests as API Gateway expects, and
// report how long its cold start takes.
func TestBootstrap(t *testing.T) {
	bin := lambdatest.Build(t, "api")
	w := lambdatest.NewWorld(t, "ApiFunction")
	env := map[string]string{
		"TABLE_NAME":                w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":           lambdatest.ConfigPath(t),
		"AWS_ENDPOINT_URL_DYNAMODB": w.DynamoURL,
	}
	starts := lambdatest.ColdStarts(t, bin, env, 7)
	info, _ := os.Stat(bin)
	t.Logf("REPORT api bootstrap (%s build): %.1f MB; cold start to first Runtime API request: median %v of %v",
		"host", float64(info.Size())/1e6, lambdatest.Median(starts).Round(100*time.Microsecond), starts)

	rt := lambdatest.NewRuntimeAPI(t)
	p := lambdatest.Start(t, bin, rt, env)
	for _, tc := range []struct{ file, outcome string }{
		{"api-hook.json", "created"},
		{"api-hook.json", "occurrence"},
		{"api-hook-base64.json", "created"},
	} {
		res := rt.InvokeJSON(t, lambdatest.Event(t, tc.file))
		if res.Error {
			t.Fatalf("%s: error %s: %s\n%s", tc.file, res.ErrorType, res.Message, p.Output())
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(res.Body, &resp); err != nil {
			t.Fatalf("%s: response %s: %v", tc.file, res.Body, err)
		}
		var hook wire.HookResponse
		if err := json.Unmarshal([]byte(resp.Body), &hook); err != nil || resp.StatusCode != 202 ||
			len(hook.Results) != 1 || hook.Results[0].Outcome != tc.outcome {
			t.Fatalf("%s: %d %s, want 202 and outcome %s", tc.file, resp.StatusCode, resp.Body, tc.outcome)
		}
		if _, err := w.Tickets.Get(ctx, hook.Results[0].TicketID); err != nil {
			t.Fatalf("%s: ticket %s not stored: %v", tc.file, hook.Results[0].TicketID, err)
		}
	}
}

// Ensure a bootstrap without its environment stops at once and says what
// is missing, rather than failing its first request.
func TestBootstrapWithoutEnvironment(t *testing.T) {
	bin := lambdatest.Build(t, "api")
	p := lambdatest.Start(t, bin, lambdatest.NewRuntimeAPI(t), nil)
	select {
	case <-p.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("the bootstrap kept running without TABLE_NAME and TIERLINE_CONFIG")
	}
	if p.Err() == nil || !strings.Contains(p.Output(), "TABLE_NAME, TIERLINE_CONFIG not set") {
		t.Fatalf("exit %v, output %s; want a failed exit naming both variables", p.Err(), p.Output())
	}
}
