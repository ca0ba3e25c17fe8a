// Package boot is what the four Lambda functions do at cold start, once:
// read their environment in one place, load the AWS SDK config and the
// tierline config, and build the logger. A function's main calls it, builds
// its clients and adapters, and hands one handler to lambda.Start; nothing
// here runs inside an invocation.
//
// Each main reads its environment only through an Env's Need, so the
// template's test can list what a function reads (it parses main.go for
// Need calls) and compare it with the variables template.yaml sets.
package boot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/tierline/tierline/shared/policy"
)

// Env reads environment variables and remembers which required ones were
// missing, so that a function reports all of them at once.
type Env struct {
	lookup  func(string) (string, bool)
	missing []string
}

// Environ returns an Env on the process environment.
func Environ() *Env { return &Env{lookup: os.LookupEnv} }

// NewEnv returns an Env on a map, for tests.
func NewEnv(vars map[string]string) *Env {
	return &Env{lookup: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }}
}

// Need returns a required variable; an unset or empty one is recorded for
// Err.
func (e *Env) Need(name string) string {
	v, ok := e.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		e.missing = append(e.missing, name)
	}
	return v
}

// Err reports the required variables that were missing, if any.
func (e *Env) Err() error {
	if len(e.missing) == 0 {
		return nil
	}
	return fmt.Errorf("environment: %s not set; template.yaml sets them for the deployed function", strings.Join(e.missing, ", "))
}

// AWS loads the SDK config the Lambda way: region and credentials from the
// environment Lambda provides, endpoints overridable per service with
// AWS_ENDPOINT_URL_<SERVICE> (which is how tests point a bootstrap at
// local stand-ins).
func AWS(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	return cfg, nil
}

// Config loads the tierline config at path, which is relative to the
// function's bundle (LAMBDA_TASK_ROOT) unless absolute: the build copies
// infra/config/ into every bundle that reads it.
func Config(path string) (*policy.Config, error) {
	if !filepath.IsAbs(path) {
		if root := os.Getenv("LAMBDA_TASK_ROOT"); root != "" {
			path = filepath.Join(root, path)
		}
	}
	cfg, err := policy.Load(path)
	if err != nil {
		return nil, fmt.Errorf("tierline config %s: %w", path, err)
	}
	return cfg, nil
}

// Must stops a cold start that failed: it logs err and exits, which Lambda
// reports as Runtime.ExitError with the log line beside it. Panics and
// log.Fatal are for wiring only; this is wiring.
func Must(log *slog.Logger, err error) {
	if err == nil {
		return
	}
	log.Error("cold start failed", "err", err)
	os.Exit(1)
}
