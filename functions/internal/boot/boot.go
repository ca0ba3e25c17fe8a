// Package boot is what the four Lambda functions do at cold start, once:
// read their environment in one place, load the AWS SDK config and the
// tierline config with the secrets it names, and build the logger. A function's main calls it, builds
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
	"time"

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

// secretsTimeout bounds reading the config's secrets: well inside Lambda's
// 10 s for a cold start, so that a service that does not answer fails the
// start with an error naming what was asked, not an init timeout that
// names nothing.
const secretsTimeout = 5 * time.Second

// Config loads the tierline config at path, which is relative to the
// function's bundle (LAMBDA_TASK_ROOT) unless absolute: the build copies
// infra/config/ into every bundle that reads it. The secrets it names are
// read here, once, from the environment and from store (on AWS,
// awssecrets.NewFromConfig; dispatch, which loads no config, does not link
// the two services' clients); a secret that
// cannot be read fails the cold start with its name and line, since a
// function that cannot check signatures must not start.
func Config(ctx context.Context, path string, store policy.SecretStore) (*policy.Config, error) {
	if !filepath.IsAbs(path) {
		if root := os.Getenv("LAMBDA_TASK_ROOT"); root != "" {
			path = filepath.Join(root, path)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, secretsTimeout)
	defer cancel()
	cfg, err := policy.LoadWith(ctx, path, store)
	if err != nil {
		return nil, fmt.Errorf("tierline config %s: %w", path, err)
	}
	return cfg, nil
}

// Logger returns the JSON logger of a function, writing to stdout at the
// level Lambda's ApplicationLogLevel sets (AWS_LAMBDA_LOG_LEVEL), so that
// Lambda's log-level filtering and JSON log format both apply.
func Logger() *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToUpper(os.Getenv("AWS_LAMBDA_LOG_LEVEL")) {
	case "TRACE", "DEBUG":
		level = slog.LevelDebug
	case "WARN":
		level = slog.LevelWarn
	case "ERROR", "FATAL":
		level = slog.LevelError
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
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
