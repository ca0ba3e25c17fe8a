package policy_test

import (
	"context"
	"crypto/hmac"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// memStore is a policy.SecretStore on a map, recording what it is asked.
// It stands for the port's contract here; shared/policy/awssecrets is the
// real one, tested against moto.
type memStore struct {
	values map[policy.SecretID]string
	err    error

	mu    sync.Mutex
	calls [][]policy.SecretID
}

func (m *memStore) ReadSecrets(_ context.Context, ids []policy.SecretID) (map[policy.SecretID]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, ids)
	if m.err != nil {
		return nil, m.err
	}
	out := map[policy.SecretID]string{}
	for _, id := range ids {
		if v, ok := m.values[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

func ssm(name string) policy.SecretID { return policy.SecretID{From: policy.FromSSM, Name: name} }
func sm(name string) policy.SecretID {
	return policy.SecretID{From: policy.FromSecretsManager, Name: name}
}

const (
	hmacSecret  = "grafana-signs-with-this-0123456789"
	linkSecret  = "forms-secret-from-secrets-manager-0123456789"
	slackURL    = "https://hooks.slack.com/services/T000/B000/XXXXXXXX"
	pagerBearer = "Bearer pager-credential"
)

// secretsConfig names a secret in every field that takes one, in each
// place a secret may be kept.
const secretsConfig = `integrations:
  - {name: grafana, kind: grafana, token: {env: TIERLINE_TEST_GRAFANA_TOKEN}, hmac: {secret: {ssm: /tierline/prod/grafana-hmac}}}
  - {name: pd, kind: pagerduty, token: {secretsmanager: tierline/prod/keys, key: pagerduty}}
api_keys:
  - {name: ops, key: {ssm: /tierline/prod/ops-key}}
forms_secret: {secretsmanager: tierline/prod/forms}
forms:
  - {name: it-help, title: IT help, categories: [password]}
channels:
  L2: [{name: slack, kind: webhook, url: {secretsmanager: tierline/prod/keys, key: slack}}]
  L3: [{kind: webhook, url: "https://pager.example/hook", headers: {Authorization: {ssm: /tierline/prod/pager-auth}, X-Team: ops}}]
`

func secretsStore() *memStore {
	return &memStore{values: map[policy.SecretID]string{
		ssm("/tierline/prod/grafana-hmac"): hmacSecret,
		ssm("/tierline/prod/ops-key"):      "ops-api-key",
		ssm("/tierline/prod/pager-auth"):   pagerBearer,
		sm("tierline/prod/forms"):          linkSecret,
		sm("tierline/prod/keys"):           `{"pagerduty": "pd-routing-key", "slack": "` + slackURL + `"}`,
	}}
}

// TestParseWith_secrets checks that each field that takes a secret reads
// it from where the config names it, with one call to the store for all.
func TestParseWith_secrets(t *testing.T) {
	t.Setenv("TIERLINE_TEST_GRAFANA_TOKEN", "grafana-token")
	store := secretsStore()
	c, err := policy.ParseWith(context.Background(), testFile, []byte(secretsConfig), store)
	if err != nil {
		t.Fatal(err)
	}
	grafana, _ := c.Integration("grafana")
	pd, _ := c.Integration("pd")
	// Ensure tokens and api keys are read, then kept as their hashes.
	if !grafana.Token.Matches("grafana-token") || !pd.Token.Matches("pd-routing-key") {
		t.Errorf("tokens do not match their secrets: grafana %v, pd %v", grafana.Token.Matches("grafana-token"), pd.Token.Matches("pd-routing-key"))
	}
	if k, ok := c.APIKey("ops-api-key"); !ok || k.Name != "ops" {
		t.Errorf("APIKey(ops-api-key) = %v, %v; want ops", k, ok)
	}
	// Ensure the secrets used, not compared, are the values stored.
	if grafana.HMAC == nil || grafana.HMAC.Secret != hmacSecret {
		t.Errorf("grafana HMAC = %+v, want the secret of /tierline/prod/grafana-hmac", grafana.HMAC)
	}
	if !hmac.Equal(c.FormsSecret.Sum("x"), policy.NewLinkKey(linkSecret).Sum("x")) {
		t.Error("FormsSecret is not the key of tierline/prod/forms")
	}
	if got := c.Channels[ticket.L2][0].URL; got != slackURL {
		t.Errorf("slack channel URL = %q, want the key slack of tierline/prod/keys", got)
	}
	if got := c.Channels[ticket.L3][0].Headers; !reflect.DeepEqual(got, map[string]string{"Authorization": pagerBearer, "X-Team": "ops"}) {
		t.Errorf("L3 headers = %v", got)
	}
	// Ensure the store is asked once, for each secret once, in file order, and never for an environment variable.
	want := [][]policy.SecretID{{ssm("/tierline/prod/grafana-hmac"), sm("tierline/prod/keys"), ssm("/tierline/prod/ops-key"),
		sm("tierline/prod/forms"), ssm("/tierline/prod/pager-auth")}}
	if !reflect.DeepEqual(store.calls, want) {
		t.Errorf("ReadSecrets calls = %v, want %v", store.calls, want)
	}
}

// TestParseWith_noSecrets checks that a config naming no store's secret
// never asks the store.
func TestParseWith_noSecrets(t *testing.T) {
	t.Parallel()
	store := &memStore{}
	if _, err := policy.ParseWith(context.Background(), testFile, []byte("integrations: [{name: a, kind: generic, token: t}]\n"), store); err != nil {
		t.Fatal(err)
	}
	if len(store.calls) != 0 {
		t.Errorf("ReadSecrets called %d times, want none", len(store.calls))
	}
}

// TestParseWith_storeFails checks that a store that cannot be asked fails
// the load with its error, and a config with problems of its own is
// refused before the store is asked.
func TestParseWith_storeFails(t *testing.T) {
	t.Parallel()
	denied := errors.New("AccessDeniedException: not authorized to perform ssm:GetParameters")
	store := &memStore{err: denied}
	src := "integrations: [{name: g, kind: grafana, token: t, hmac: {secret: {ssm: /tierline/prod/grafana-hmac}}}]\n"
	// Ensure the store's error is the load's, naming the file.
	c, err := policy.ParseWith(context.Background(), testFile, []byte(src), store)
	if !errors.Is(err, denied) || c != nil || !strings.Contains(err.Error(), "config test.yaml: reading its secrets") {
		t.Fatalf("ParseWith = %v, %v; want the store's error, naming the file", c, err)
	}
	// Ensure a config with other problems is refused without asking the store.
	store = &memStore{}
	_, err = policy.ParseWith(context.Background(), testFile, []byte(src+"routes: [{tier: L9}]\n"), store)
	var ce *policy.ConfigError
	if !errors.As(err, &ce) || len(store.calls) != 0 {
		t.Fatalf("ParseWith = %v after %d store calls; want the config's problems and no call", err, len(store.calls))
	}
}

// TestCheck checks that Check validates what it can without reading any
// secret, and lists the secrets a config names.
func TestCheck(t *testing.T) {
	t.Parallel()
	refs, err := policy.Check(testFile, []byte(secretsConfig))
	if err != nil {
		t.Fatal(err)
	}
	// Ensure each secret is listed once, in file order, environment variables included (none of which is set here).
	want := []policy.SecretRef{
		{From: policy.FromEnv, Name: "TIERLINE_TEST_GRAFANA_TOKEN"},
		{From: policy.FromSSM, Name: "/tierline/prod/grafana-hmac"},
		{From: policy.FromSecretsManager, Name: "tierline/prod/keys", Key: "pagerduty"},
		{From: policy.FromSSM, Name: "/tierline/prod/ops-key"},
		{From: policy.FromSecretsManager, Name: "tierline/prod/forms"},
		{From: policy.FromSecretsManager, Name: "tierline/prod/keys", Key: "slack"},
		{From: policy.FromSSM, Name: "/tierline/prod/pager-auth"},
	}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("Check = %v\nwant %v", refs, want)
	}
	// Ensure a problem outside the secrets is still found.
	if _, err := policy.Check(testFile, []byte(secretsConfig+"routes: [{tier: L9}]\n")); err == nil || !strings.Contains(err.Error(), "L9") {
		t.Errorf("Check of a bad route = %v, want its problem", err)
	}
}

// TestSecretRef_String checks how messages name a secret.
func TestSecretRef_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ref  policy.SecretRef
		want string
	}{
		{name: "env", ref: policy.SecretRef{From: policy.FromEnv, Name: "X"}, want: "environment variable X"},
		{name: "ssm", ref: policy.SecretRef{From: policy.FromSSM, Name: "/a/b"}, want: "SSM parameter /a/b"},
		{name: "secretsmanager_key", ref: policy.SecretRef{From: policy.FromSecretsManager, Name: "a/b", Key: "url"}, want: `Secrets Manager secret a/b (key "url")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.ref.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
