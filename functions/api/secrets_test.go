package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy/awssecrets"
)

// grafanaConfig keeps the Grafana integration's token and HMAC secret in
// SSM Parameter Store, as a deployed config does: the file holds names.
const grafanaConfig = `integrations:
  - {name: grafana, kind: grafana, token: {ssm: /tierline/dev/grafana-token}, hmac: {secret: {ssm: /tierline/dev/grafana-hmac}}}
`

// The secrets grafanaConfig names, as SSM holds them.
const (
	grafanaToken = "grafana-token-in-ssm"
	grafanaHMAC  = "grafana-hmac-secret-in-ssm-0123456789"
)

// putGrafanaSecrets stores grafanaConfig's secrets as SecureStrings.
func putGrafanaSecrets(t *testing.T, cfg aws.Config) {
	t.Helper()
	for name, value := range map[string]string{"/tierline/dev/grafana-token": grafanaToken, "/tierline/dev/grafana-hmac": grafanaHMAC} {
		if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
			Type: ssmtypes.ParameterTypeSecureString}); err != nil {
			t.Fatal(err)
		}
	}
}

// writeConfig writes a config file for boot.Config and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// grafanaAlert is Grafana's firing webhook to the grafana integration,
// with the token and the signature of the body under secret.
func grafanaAlert(t *testing.T, token, secret string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "..", "events", "grafana", "firing.json"))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req := request(t, "POST", "/v1/hooks/grafana", "", "Bearer "+token, string(body))
	req.Headers["content-type"] = "application/json"
	req.Headers["x-grafana-alerting-signature"] = hex.EncodeToString(mac.Sum(nil))
	return req
}

// Ensure the secrets a deployed config keeps in SSM reach the checks of
// the requests: the api function, its config read at cold start through
// boot from SSM (moto), accepts a Grafana alert with the token and the
// signature of the secrets stored there, and refuses one signed with any
// other secret.
func TestSecretsFromSSM(t *testing.T) {
	w := lambdatest.NewWorld(t, "ApiFunction")
	cfg := awstest.Config(awstest.Moto(t))
	putGrafanaSecrets(t, cfg)
	policy, err := boot.Config(ctx, writeConfig(t, grafanaConfig), awssecrets.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h, err := newHandler(&desk.Service{Store: w.Tickets, Config: policy, Log: log}, policy, log)
	if err != nil {
		t.Fatal(err)
	}
	a := &api{World: w, h: h}

	tests := []struct {
		name          string
		token, secret string
		status        int
	}{
		// Ensure the token and signature of SSM's secrets are accepted.
		{name: "ssm_secrets", token: grafanaToken, secret: grafanaHMAC, status: http.StatusAccepted},
		// Ensure a signature under another secret is refused.
		{name: "other_secret", token: grafanaToken, secret: "some-other-secret-0123456789", status: http.StatusUnauthorized},
		// Ensure the parameter's name is not the token.
		{name: "name_as_token", token: "/tierline/dev/grafana-token", secret: grafanaHMAC, status: http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.call(t, grafanaAlert(t, tc.token, tc.secret))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, resp.Body, tc.status)
			}
			if tc.status == http.StatusAccepted {
				if r := hookResult(t, resp); r.Outcome != string(desk.Created) {
					t.Fatalf("outcome %q, want created", r.Outcome)
				}
			}
		})
	}
}

// warmSSM asks moto for a parameter that does not exist, so that its first
// SSM request (moto loads a service's backend on first use, seconds on a
// loaded machine) is not the one a bootstrap's bounded cold start makes.
func warmSSM(t *testing.T, cfg aws.Config) {
	t.Helper()
	_, err := ssm.NewFromConfig(cfg).GetParameters(ctx, &ssm.GetParametersInput{Names: []string{"/tierline/warm-up"}})
	if err != nil {
		t.Fatal(err)
	}
}
