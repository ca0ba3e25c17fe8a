// Package awssecrets reads the secrets a config names (policy.SecretStore)
// from AWS Systems Manager Parameter Store and AWS Secrets Manager, once
// per cold start of a function: parameters with GetParameters, ten names a
// call, decrypted; secrets with BatchGetSecretValue, twenty a call. All
// calls run at once, so a cold start waits for one round trip however
// many secrets the config names.
//
// A name the service does not know is left out of the answer, so that the
// config reports it at its line; anything else that goes wrong (no
// permission, no network, a secret marked for deletion) is an error naming
// the secrets it concerns, and the function does not start.
package awssecrets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/tierline/tierline/shared/policy"
)

var _ policy.SecretStore = (*Store)(nil)

// The services' limits on one call.
const (
	maxParameters = 10 // names of one GetParameters
	maxSecrets    = 20 // ids of one BatchGetSecretValue
)

// Store is a policy.SecretStore on the two services' clients. It holds the
// two calls it makes rather than the clients: a client held by a value
// that is kept in an interface makes the linker keep every method of the
// client in a binary that calls reflect's Method (html/template does), which
// for SSM's is 3 MB more in the api function's bootstrap.
type Store struct {
	getParameters func(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	getSecrets    func(context.Context, *secretsmanager.BatchGetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.BatchGetSecretValueOutput, error)
}

// NewFromConfig returns a Store on clients of cfg, as a function's cold
// start builds it (AWS_ENDPOINT_URL_SSM and
// AWS_ENDPOINT_URL_SECRETS_MANAGER point them elsewhere, at moto in tests).
func NewFromConfig(cfg aws.Config) *Store {
	return New(ssm.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg))
}

// New returns a Store reading parameters through params and secrets
// through secrets.
func New(params *ssm.Client, secrets *secretsmanager.Client) *Store {
	return &Store{getParameters: params.GetParameters, getSecrets: secrets.BatchGetSecretValue}
}

// ReadSecrets reads every id at once and returns the values found.
func (s *Store) ReadSecrets(ctx context.Context, ids []policy.SecretID) (map[policy.SecretID]string, error) {
	var params, secrets []string
	for _, id := range ids {
		switch id.From {
		case policy.FromSSM:
			params = append(params, id.Name)
		case policy.FromSecretsManager:
			secrets = append(secrets, id.Name)
		default:
			return nil, fmt.Errorf("awssecrets: %s is not kept in SSM or Secrets Manager", id)
		}
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
		out  = map[policy.SecretID]string{}
	)
	run := func(from string, names []string, read func(context.Context, []string) (map[string]string, error)) {
		wg.Go(func() {
			found, err := read(ctx, names)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			for name, v := range found {
				out[policy.SecretID{From: from, Name: name}] = v
			}
		})
	}
	for part := range slices.Chunk(params, maxParameters) {
		run(policy.FromSSM, part, s.parameters)
	}
	for part := range slices.Chunk(secrets, maxSecrets) {
		run(policy.FromSecretsManager, part, s.secretValues)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// parameters reads up to ten parameters, decrypting SecureStrings; the
// names SSM does not know come back as InvalidParameters, and are left out.
func (s *Store) parameters(ctx context.Context, names []string) (map[string]string, error) {
	res, err := s.getParameters(ctx, &ssm.GetParametersInput{Names: names, WithDecryption: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("ssm GetParameters %s: %w", strings.Join(names, ", "), err)
	}
	out := map[string]string{}
	for _, p := range res.Parameters {
		out[aws.ToString(p.Name)] = aws.ToString(p.Value)
	}
	return out, nil
}

// secretValues reads up to twenty secrets' current values. A secret that
// does not exist is left out; any other error of one secret is the call's.
func (s *Store) secretValues(ctx context.Context, names []string) (map[string]string, error) {
	out := map[string]string{}
	in := &secretsmanager.BatchGetSecretValueInput{SecretIdList: names}
	for {
		res, err := s.getSecrets(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("secretsmanager BatchGetSecretValue %s: %w", strings.Join(names, ", "), err)
		}
		var errs []error
		for _, e := range res.Errors {
			if aws.ToString(e.ErrorCode) != "ResourceNotFoundException" {
				errs = append(errs, fmt.Errorf("secretsmanager: secret %s: %s: %s", aws.ToString(e.SecretId), aws.ToString(e.ErrorCode), aws.ToString(e.Message)))
			}
		}
		for _, v := range res.SecretValues {
			name := aws.ToString(v.Name)
			if v.SecretString == nil {
				errs = append(errs, fmt.Errorf("secretsmanager: secret %s holds binary data; store the secret as text (--secret-string)", name))
				continue
			}
			out[name] = *v.SecretString
		}
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		if aws.ToString(res.NextToken) == "" {
			return out, nil
		}
		in.NextToken = res.NextToken
	}
}
