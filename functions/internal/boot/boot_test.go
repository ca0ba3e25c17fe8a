package boot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/tierline/tierline/functions/internal/boot"
)

var ctx = context.Background()

// Ensure Need reports every missing or blank variable at once, in order.
func TestEnv(t *testing.T) {
	env := boot.NewEnv(map[string]string{"A": "1", "BLANK": "  "})
	if got := env.Need("A"); got != "1" {
		t.Fatalf("Need(A) = %q", got)
	}
	env.Need("MISSING")
	env.Need("BLANK")
	if err := env.Err(); err == nil || !strings.Contains(err.Error(), "MISSING, BLANK not set") {
		t.Fatalf("Err = %v, want both named", err)
	}
	if err := boot.NewEnv(nil).Err(); err != nil {
		t.Fatalf("Err with nothing needed = %v", err)
	}
}

// Ensure a relative config path is read from the function's bundle
// (LAMBDA_TASK_ROOT), and a bad config fails with its path.
func TestConfig(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "config"), 0o755)
	os.WriteFile(filepath.Join(root, "config", "ok.yaml"), []byte("integrations: [{name: a, kind: generic, token: t}]\n"), 0o644)
	os.WriteFile(filepath.Join(root, "config", "bad.yaml"), []byte("routes: [{tier: L9}]\n"), 0o644)
	t.Setenv("LAMBDA_TASK_ROOT", root)
	if cfg, err := boot.Config(ctx, "config/ok.yaml", nil); err != nil || len(cfg.Integrations) != 1 {
		t.Fatalf("Config(ok) = %v, %v", cfg, err)
	}
	if _, err := boot.Config(ctx, "config/bad.yaml", nil); err == nil || !strings.Contains(err.Error(), filepath.Join(root, "config", "bad.yaml")) {
		t.Fatalf("Config(bad) = %v, want an error naming the file", err)
	}
	if _, err := boot.Config(ctx, filepath.Join(root, "config", "ok.yaml"), nil); err != nil {
		t.Fatalf("an absolute path: %v", err)
	}
}

// Ensure a line logged with an invocation's context carries its request
// id, through loggers derived with With, and none without one; and that
// Lambda's log level filters.
func TestLogger(t *testing.T) {
	var out bytes.Buffer
	extra := func(context.Context) []slog.Attr { return []slog.Attr{slog.String("api_request_id", "gw-1")} }
	log := boot.NewLogger(&out, "WARN", extra).With("function", "dispatch")
	inv := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	log.InfoContext(inv, "filtered out")
	log.WarnContext(inv, "kept", "ticket", "0c7g2m4x9k3t1p")
	log.Warn("no invocation")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (INFO filtered at WARN):\n%s", len(lines), out.String())
	}
	var first, second map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	if first["request_id"] != "req-1" || first["api_request_id"] != "gw-1" || first["function"] != "dispatch" || first["ticket"] != "0c7g2m4x9k3t1p" {
		t.Fatalf("line %v, want the request ids, the logger's and the line's attributes", first)
	}
	if _, ok := second["request_id"]; ok || second["msg"] != "no invocation" {
		t.Fatalf("line %v, want no request id outside an invocation", second)
	}
}
