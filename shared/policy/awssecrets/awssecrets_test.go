package awssecrets_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/policy/awssecrets"
)

var ctx = context.Background()

// world is moto with clients on it, counting their calls.
type world struct {
	count   awstest.Counter
	ssm     *ssm.Client
	secrets *secretsmanager.Client
	store   *awssecrets.Store
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{}
	cfg := awstest.Config(awstest.Moto(t), w.count.Middleware())
	w.ssm, w.secrets = ssm.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg)
	w.store = awssecrets.New(w.ssm, w.secrets)
	return w
}

func (w *world) putParameter(t *testing.T, name, value string, typ ssmtypes.ParameterType) {
	t.Helper()
	if _, err := w.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: &name, Value: &value, Type: typ}); err != nil {
		t.Fatalf("PutParameter %s: %v", name, err)
	}
}

func (w *world) createSecret(t *testing.T, in *secretsmanager.CreateSecretInput) {
	t.Helper()
	if _, err := w.secrets.CreateSecret(ctx, in); err != nil {
		t.Fatalf("CreateSecret %s: %v", aws.ToString(in.Name), err)
	}
}

func ssmID(name string) policy.SecretID { return policy.SecretID{From: policy.FromSSM, Name: name} }
func smID(name string) policy.SecretID {
	return policy.SecretID{From: policy.FromSecretsManager, Name: name}
}

// Ensure every parameter and secret asked for is read, SecureStrings
// decrypted, in one call per ten parameters and per twenty secrets, and
// names the services do not know are left out rather than failing.
func TestReadSecrets(t *testing.T) {
	w := newWorld(t)
	want := map[policy.SecretID]string{}
	var ids []policy.SecretID
	for i := range 12 {
		name := fmt.Sprintf("/tierline/test/token-%02d", i)
		w.putParameter(t, name, "secure-"+name, ssmtypes.ParameterTypeSecureString)
		ids, want[ssmID(name)] = append(ids, ssmID(name)), "secure-"+name
	}
	w.putParameter(t, "/tierline/test/plain", "not-so-secret", ssmtypes.ParameterTypeString)
	ids, want[ssmID("/tierline/test/plain")] = append(ids, ssmID("/tierline/test/plain")), "not-so-secret"
	w.createSecret(t, &secretsmanager.CreateSecretInput{Name: aws.String("tierline/test/slack"), SecretString: aws.String(`{"url": "https://hooks.slack.com/x"}`)})
	w.createSecret(t, &secretsmanager.CreateSecretInput{Name: aws.String("tierline/test/forms"), SecretString: aws.String("forms-secret")})
	ids = append(ids, smID("tierline/test/slack"), smID("tierline/test/forms"), ssmID("/tierline/test/missing"), smID("tierline/test/missing"))
	want[smID("tierline/test/slack")] = `{"url": "https://hooks.slack.com/x"}`
	want[smID("tierline/test/forms")] = "forms-secret"

	w.count.Reset()
	got, err := w.store.ReadSecrets(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("ReadSecrets = %v\nwant %v", got, want)
	}
	wantCalls := map[string]int{"SSM.GetParameters": 2, "Secrets Manager.BatchGetSecretValue": 1}
	if calls := w.count.Counts(); !maps.Equal(calls, wantCalls) {
		t.Errorf("calls %s, want %s", awstest.Format(calls), awstest.Format(wantCalls))
	}
}

// Ensure a secret that cannot be used fails the read, naming the secret
// and why, and so does a service that does not answer.
func TestReadSecretsFails(t *testing.T) {
	w := newWorld(t)
	w.createSecret(t, &secretsmanager.CreateSecretInput{Name: aws.String("tierline/test/binary"), SecretBinary: []byte{0, 1, 2}})
	w.createSecret(t, &secretsmanager.CreateSecretInput{Name: aws.String("tierline/test/deleted"), SecretString: aws.String("x")})
	if _, err := w.secrets.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("tierline/test/deleted"), RecoveryWindowInDays: aws.Int64(7)}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // nothing answers there now
	down := awstest.Config("http://" + ln.Addr().String())
	tests := []struct {
		name  string
		store *awssecrets.Store
		ids   []policy.SecretID
		want  []string
	}{
		// Ensure a binary secret is refused: every field takes text.
		{name: "binary", store: w.store, ids: []policy.SecretID{smID("tierline/test/binary")},
			want: []string{"secret tierline/test/binary holds binary data; store the secret as text"}},
		// Ensure a secret marked for deletion is an error, not a secret that is missing.
		{name: "deleted", store: w.store, ids: []policy.SecretID{smID("tierline/test/deleted")},
			want: []string{"secret tierline/test/deleted: InvalidRequestException"}},
		// Ensure a service that does not answer fails the read, naming what was asked.
		{name: "no_answer", store: awssecrets.New(ssm.NewFromConfig(down), secretsmanager.NewFromConfig(down)),
			ids:  []policy.SecretID{ssmID("/tierline/test/a"), smID("tierline/test/b")},
			want: []string{"ssm GetParameters /tierline/test/a", "secretsmanager BatchGetSecretValue tierline/test/b"}},
		// Ensure an environment variable is not the store's to read.
		{name: "env", store: w.store, ids: []policy.SecretID{{From: policy.FromEnv, Name: "X"}},
			want: []string{"environment variable X is not kept in SSM or Secrets Manager"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.store.ReadSecrets(ctx, tc.ids)
			if err == nil {
				t.Fatalf("ReadSecrets = %v, want an error", got)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}
