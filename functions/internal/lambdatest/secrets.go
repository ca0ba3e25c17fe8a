package lambdatest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/policy/awssecrets"
)

// SecretValue is a value every field that takes a secret accepts: a URL,
// longer than the longest minimum, fit for a header.
const SecretValue = "https://secret.example/0123456789abcdef0123456789abcdef"

// ReadSecrets replays the secret reads of a function's cold start with the
// world's recorders: it stores every secret testdata/secrets.yaml names in
// a fresh moto (each SecretValue, or a JSON object of it under each key the
// config picks) and loads that config through boot.Config and
// boot.Secrets, as the function's main does. A function that loads its
// config adds these calls to those its policies are checked against.
func (w *World) ReadSecrets(tb testing.TB) {
	tb.Helper()
	path := filepath.Join(testenv.Root(tb), "functions", "internal", "lambdatest", "testdata", "secrets.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	refs, err := policy.Check(filepath.Base(path), data)
	if err != nil {
		tb.Fatal(err)
	}
	moto := awstest.Moto(tb)
	StoreSecrets(tb, awstest.Config(moto), refs)
	if _, err := boot.Config(context.Background(), path, awssecrets.NewFromConfig(awstest.Config(moto, w.APIOptions()...))); err != nil {
		tb.Fatalf("boot.Config: %v", err)
	}
}

// StoreSecrets creates in SSM and Secrets Manager (at cfg's endpoint) the
// secrets refs name, each holding SecretValue, or a JSON object of it
// under each key refs pick.
func StoreSecrets(tb testing.TB, cfg aws.Config, refs []policy.SecretRef) {
	tb.Helper()
	ctx := context.Background()
	objects := map[string]map[string]string{}
	for _, r := range refs {
		switch {
		case r.From == policy.FromSSM:
			if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(r.Name),
				Value: aws.String(SecretValue), Type: ssmtypes.ParameterTypeSecureString, Overwrite: aws.Bool(true)}); err != nil {
				tb.Fatalf("PutParameter %s: %v", r.Name, err)
			}
		case r.From == policy.FromSecretsManager && r.Key != "":
			if objects[r.Name] == nil {
				objects[r.Name] = map[string]string{}
			}
			objects[r.Name][r.Key] = SecretValue
		case r.From == policy.FromSecretsManager:
			createSecret(tb, cfg, r.Name, SecretValue)
		}
	}
	for name, obj := range objects {
		b, _ := json.Marshal(obj)
		createSecret(tb, cfg, name, string(b))
	}
}

func createSecret(tb testing.TB, cfg aws.Config, name, value string) {
	tb.Helper()
	if _, err := secretsmanager.NewFromConfig(cfg).CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value)}); err != nil {
		tb.Fatalf("CreateSecret %s: %v", name, err)
	}
}

// The AWS managed keys of the fake account that SSM and Secrets Manager
// decrypt with (a key's ARN names its random ID; these stand for it).
const (
	ssmKey     = "aws-ssm-managed-key"
	secretsKey = "aws-secretsmanager-managed-key"
)

// SecretCalls are the permissions reading refs needs: each parameter or
// secret, the batch call, and KMS decryption through the service that
// reads it. Environment variables need none.
func SecretCalls(refs []policy.SecretRef) []Call {
	var params, secrets []string
	for _, r := range refs {
		switch r.From {
		case policy.FromSSM:
			params = append(params, r.Name)
		case policy.FromSecretsManager:
			secrets = append(secrets, r.Name)
		}
	}
	calls := parameterCalls(params, true)
	if len(secrets) > 0 {
		calls = append(append(calls, secretCalls(secrets)...), Call{"secretsmanager:BatchGetSecretValue", "*", ""})
	}
	return calls
}

// parameterCalls are the permissions GetParameters of names needs: the
// action on each parameter (whose ARN drops the name's leading slash)
// and, decrypting, kms:Decrypt of SSM's key through SSM.
func parameterCalls(names []string, decrypt bool) []Call {
	var calls []Call
	for _, name := range names {
		calls = append(calls, Call{"ssm:GetParameters", regional("ssm", "parameter/"+strings.TrimPrefix(name, "/")), ""})
	}
	if decrypt && len(names) > 0 {
		calls = append(calls, Call{"kms:Decrypt", regional("kms", "key/"+ssmKey), "ssm." + templatetest.Region + "." + templatetest.URLSuffix})
	}
	return calls
}

// secretCalls are the permissions reading the secrets named needs:
// GetSecretValue on each (a secret's ARN ends in a dash and six random
// characters) and kms:Decrypt of its key through Secrets Manager.
func secretCalls(names []string) []Call {
	var calls []Call
	for _, name := range names {
		calls = append(calls, Call{"secretsmanager:GetSecretValue", regional("secretsmanager", "secret:"+name+"-AbCdEf"), ""})
	}
	if len(names) > 0 {
		calls = append(calls, Call{"kms:Decrypt", regional("kms", "key/"+secretsKey), "secretsmanager." + templatetest.Region + "." + templatetest.URLSuffix})
	}
	return calls
}

func regional(service, rest string) string {
	return "arn:" + templatetest.Partition + ":" + service + ":" + templatetest.Region + ":" + templatetest.Account + ":" + rest
}
