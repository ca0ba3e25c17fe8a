package functions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/testenv"
)

// Ensure the config check reads every bundled config without its secrets,
// and refuses a secret of the default config that a function loading it
// may not read: one outside the stack's path, in either store.
func TestConfigSecretsReadable(t *testing.T) {
	tpl, err := templatetest.Parse("template.yaml", []byte(templateText(t)))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "infra", "config")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "tierline.yaml"), []byte(`integrations:
  - {name: g, kind: grafana, token: {ssm: /tierline/dev/grafana-token}, hmac: {secret: {ssm: /elsewhere/grafana-hmac}}}
channels:
  L2: [{kind: webhook, url: {secretsmanager: tierline/dev/chat, key: url}}, {kind: webhook, url: {secretsmanager: other/chat}}]
api_keys:
  - {name: ops, key: {env: TIERLINE_OPS_KEY}}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "prod.yaml"), []byte("routes: [{tier: L9}]\n"), 0o644)

	problems := checker{tpl: tpl, root: root}.config()
	want := []string{
		"infra/config/prod.yaml, which the build bundles, does not load",
		"names SSM parameter /elsewhere/grafana-hmac, which ApiFunction may not read (ssm:GetParameters on arn:aws:ssm:us-east-1:123456789012:parameter/elsewhere/grafana-hmac)",
		"names SSM parameter /elsewhere/grafana-hmac, which NotifyFunction may not read",
		"names SSM parameter /elsewhere/grafana-hmac, which EscalateFunction may not read",
		"names Secrets Manager secret other/chat, which ApiFunction may not read (secretsmanager:GetSecretValue on",
	}
	for _, w := range want {
		if !containsOne(problems, w) {
			t.Errorf("no problem says %q; got:\n%s", w, strings.Join(problems, "\n"))
		}
	}
	// Ensure the secrets under the stack's path, and environment variables, are not problems.
	for _, p := range problems {
		if strings.Contains(p, "tierline/dev/") || strings.Contains(p, "TIERLINE_OPS_KEY") {
			t.Errorf("a readable secret refused: %s", p)
		}
	}
	// Ensure the repository's own configs pass.
	if p := (checker{tpl: tpl, root: testenv.Root(t)}).config(); len(p) != 0 {
		t.Errorf("infra/config: %s", strings.Join(p, "\n"))
	}
}

func containsOne(problems []string, s string) bool {
	for _, p := range problems {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}
