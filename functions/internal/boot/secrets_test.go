package boot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/policy/awssecrets"
	"github.com/tierline/tierline/shared/ticket"
)

// secretsConfig names a Grafana HMAC secret in SSM, a Slack URL as a key
// of a Secrets Manager secret, and an api key in the environment.
const secretsConfig = `integrations:
  - {name: grafana, kind: grafana, token_sha256: "d3610da9db04db8d694bffcf16169cd86fb3592357580ee08f7123d60142f2a9",
     hmac: {secret: {ssm: /tierline/test/grafana-hmac}}}
channels:
  L2: [{name: slack, kind: webhook, url: {secretsmanager: tierline/test/chat, key: slack}}]
api_keys:
  - {name: ops, key: {env: TIERLINE_TEST_OPS_KEY}}
`

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Ensure the secrets a config names are read at cold start from SSM,
// Secrets Manager and the environment, through the store the functions
// use, and a missing one fails the start with its name and line.
func TestConfigSecrets(t *testing.T) {
	moto := awstest.Moto(t)
	cfg := awstest.Config(moto)
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/tierline/test/grafana-hmac"),
		Value: aws.String("grafana-hmac-from-ssm-0123456789"), Type: ssmtypes.ParameterTypeSecureString}); err != nil {
		t.Fatal(err)
	}
	if _, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("tierline/test/chat"),
		SecretString: aws.String(`{"slack": "https://hooks.slack.com/services/T0/B0/X"}`)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TIERLINE_TEST_OPS_KEY", "ops-key-from-env")

	c, err := boot.Config(ctx, writeConfig(t, secretsConfig), awssecrets.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := c.Integration("grafana"); g.HMAC == nil || g.HMAC.Secret != "grafana-hmac-from-ssm-0123456789" {
		t.Errorf("grafana HMAC %+v, want the SecureString of /tierline/test/grafana-hmac", g.HMAC)
	}
	if got := c.Channels[ticket.L2][0].URL; got != "https://hooks.slack.com/services/T0/B0/X" {
		t.Errorf("slack URL %q, want the key slack of tierline/test/chat", got)
	}
	if _, ok := c.APIKey("ops-key-from-env"); !ok {
		t.Error("the api key of TIERLINE_TEST_OPS_KEY does not match")
	}

	missing := strings.Replace(secretsConfig, "/tierline/test/grafana-hmac", "/tierline/test/not-there", 1)
	_, err = boot.Config(ctx, writeConfig(t, missing), awssecrets.NewFromConfig(cfg))
	if err == nil || !strings.Contains(err.Error(), "tierline.yaml:3: integrations[0].hmac.secret: SSM parameter /tierline/test/not-there does not exist") {
		t.Fatalf("Config with a missing parameter = %v, want an error naming it at its line", err)
	}
}
