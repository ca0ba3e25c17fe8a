package boot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
