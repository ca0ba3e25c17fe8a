package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
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

// Ensure the built bootstrap reads the config's secrets from SSM (moto)
// at cold start and checks requests with them, and that a bootstrap
// whose config names a parameter that does not exist stops at once,
// naming it, rather than start and accept every request unchecked.
func TestBootstrapSecrets(t *testing.T) {
	bin := lambdatest.Build(t, "api")
	w := lambdatest.NewWorld(t, "ApiFunction")
	moto := awstest.Moto(t)
	env := map[string]string{
		"TABLE_NAME":                       w.Env["TABLE_NAME"],
		"TIERLINE_CONFIG":                  writeConfig(t, grafanaConfig),
		"AWS_ENDPOINT_URL_DYNAMODB":        w.DynamoURL,
		"AWS_ENDPOINT_URL_SSM":             moto,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": moto,
	}

	warmSSM(t, awstest.Config(moto))
	p := lambdatest.Start(t, bin, lambdatest.NewRuntimeAPI(t), env)
	select {
	case <-p.Exited():
	case <-time.After(20 * time.Second):
		t.Fatal("the bootstrap kept running without its HMAC secret")
	}
	t.Logf("cold start refused after %v: %s", time.Since(p.Started), p.Output())
	if p.Err() == nil || !strings.Contains(p.Output(), "SSM parameter /tierline/dev/grafana-token does not exist") ||
		!strings.Contains(p.Output(), "SSM parameter /tierline/dev/grafana-hmac does not exist") {
		t.Fatalf("exit %v, output %s; want a failed exit naming both parameters", p.Err(), p.Output())
	}

	putGrafanaSecrets(t, awstest.Config(moto))
	starts := lambdatest.ColdStarts(t, bin, env, 5)
	t.Logf("REPORT api bootstrap reading 2 SSM parameters from moto at cold start: to first Runtime API request median %v of %v",
		lambdatest.Median(starts).Round(100*time.Microsecond), starts)
	rt := lambdatest.NewRuntimeAPI(t)
	p = lambdatest.Start(t, bin, rt, env)
	for _, tc := range []struct {
		secret string
		status int
	}{{grafanaHMAC, 202}, {"some-other-secret-0123456789", 401}} {
		req, err := json.Marshal(grafanaAlert(t, grafanaToken, tc.secret))
		if err != nil {
			t.Fatal(err)
		}
		res := rt.InvokeJSON(t, req)
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(res.Body, &resp); res.Error || err != nil || resp.StatusCode != tc.status {
			t.Fatalf("signed with %q: %s (%v), want %d\n%s", tc.secret, res.Body, err, tc.status, p.Output())
		}
	}
}
