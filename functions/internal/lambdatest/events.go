// Package lambdatest is what the functions' tests share: the sample events
// of events/lambda/ and their round trip through aws-lambda-go's types, the
// config they were written for, the template, a recorder of the AWS calls a
// handler makes (checked against the function's policies), and a fake Lambda
// Runtime API to run a built bootstrap against.
package lambdatest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/policy"
)

// Event returns the bytes of events/lambda/name.
func Event(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(EventPath(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// EventPath returns the path of events/lambda/name.
func EventPath(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(testenv.Root(tb), "events", "lambda", name)
}

// Decode reads a sample event into T, the type its function consumes,
// refusing fields T does not have (a v1 API Gateway event read as v2, a
// misspelt key), and checks the round trip: T marshalled again equals the
// file, once both drop empty values (T marshals fields the file leaves
// out as null, "" or {}).
func Decode[T any](tb testing.TB, raw []byte) T {
	tb.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("event does not decode into %T: %v", v, err)
	}
	again, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(again, &got); err != nil {
		tb.Fatal(err)
	}
	if want, got = normalise(want), normalise(got); !reflect.DeepEqual(want, got) {
		w, _ := json.MarshalIndent(want, "", "  ")
		g, _ := json.MarshalIndent(got, "", "  ")
		tb.Fatalf("event does not survive a round trip through %T:\nfile:\n%s\nround trip:\n%s", v, w, g)
	}
	return v
}

// normalise drops null, "", [] and {} from JSON values, recursively.
func normalise(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if x = normalise(x); !empty(x) {
				out[k] = x
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			out = append(out, normalise(x))
		}
		return out
	}
	return v
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// ConfigPath is the config the sample events were written for.
func ConfigPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(testenv.Root(tb), "functions", "internal", "lambdatest", "testdata", "tierline.yaml")
}

// Config loads ConfigPath.
func Config(tb testing.TB) *policy.Config {
	tb.Helper()
	cfg, err := policy.Load(ConfigPath(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// Template loads the repository's template.yaml.
func Template(tb testing.TB) *templatetest.Template {
	tb.Helper()
	t, err := templatetest.Load(filepath.Join(testenv.Root(tb), "template.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Env returns function id's environment as the template sets it, in the
// fake account of package sam: tests name their local tables, queues and
// topics after it, so the calls they record are on the resources the
// deployed function would touch.
func Env(tb testing.TB, id string) map[string]string {
	tb.Helper()
	env, err := Template(tb).Env(id)
	if err != nil {
		tb.Fatal(err)
	}
	return env
}
