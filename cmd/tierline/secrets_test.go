package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// Ensure tierline serve reads the secrets a config names in the
// environment: the token and the webhook URL of the test config, kept
// out of the file.
func TestServeSecretsFromEnvironment(t *testing.T) {
	rcv := newReceiver(t)
	t.Setenv("TIERLINE_TEST_PROM_TOKEN", "prom-token")
	t.Setenv("TIERLINE_TEST_L2_URL", rcv.URL)
	cfg := strings.Replace(testConfig("unused"), "token: prom-token", "token: {env: TIERLINE_TEST_PROM_TOKEN}", 1)
	cfg = strings.Replace(cfg, `url: "unused"`, "url: {env: TIERLINE_TEST_L2_URL}", 1)
	m := MustRunMain(t, cfg, t.TempDir())
	a := api{t, m.URL}
	if res := a.hook(`{"title":"CPU hot","dedup_key":"cpu"}`); res.Results[0].Outcome != "created" {
		t.Fatalf("hook with the environment's token = %+v, want created", res.Results)
	}
	if status, b := a.call("POST", "/v1/hooks/prom", "TIERLINE_TEST_PROM_TOKEN", `{"title":"x"}`); status != http.StatusUnauthorized {
		t.Fatalf("hook with the variable's name as token: %d %s, want 401", status, b)
	}
	if got := m.Config.Channels[ticket.L2][0].URL; got != rcv.URL {
		t.Fatalf("L2 webhook URL %q, want the environment's %q", got, rcv.URL)
	}
}

// Ensure tierline serve refuses a secret kept in SSM or Secrets Manager at
// start, saying what to write instead, rather than start without it.
func TestServeRefusesAWSSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	cfg := strings.Replace(testConfig("http://127.0.0.1:1/unused"), "token: prom-token", "token: {ssm: /tierline/prod/prom-token}", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := m.Run(context.Background())
	if err == nil {
		m.Close()
		t.Fatal("Run accepted a secret in SSM")
	}
	if !strings.Contains(err.Error(), "integrations[0].token: SSM parameter /tierline/prod/prom-token is read only on AWS") ||
		!strings.Contains(err.Error(), "{env: NAME}") {
		t.Fatalf("Run: %v; want it to name the parameter and say to use {env: NAME}", err)
	}
}
