package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// serve runs tierline locally until ctx ends (Ctrl-C or SIGTERM).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve")
	m := &Main{Stdout: stdout}
	fs.StringVar(&m.ConfigPath, "config", "", "config `file` (default: the built-in demo config)")
	fs.StringVar(&m.Addr, "addr", "127.0.0.1:8080", "listen `address`")
	fs.StringVar(&m.DataDir, "data", "tierline-data", "data `directory`")
	level := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	fs.StringVar(&m.DebugAddr, "debug-addr", "", "serve Go's pprof profiles on this loopback `address` (off by default)")
	fs.IntVar(&m.Deliveries, "deliveries", defaultDeliveries, "hand-offs delivered at once, all tiers together (`n`)")
	fs.IntVar(&m.PerChannel, "deliveries-per-channel", defaultPerChannel, "hand-offs delivered at once to any one channel (`n`)")
	if rest, err := parseArgs(fs, args, stdout); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q (see tierline serve --help)", rest[0]))
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return usageError(fmt.Sprintf("--log-level %q: want debug, info, warn or error", *level))
	}
	if m.Deliveries < 1 || m.PerChannel < 1 {
		return usageError(fmt.Sprintf("--deliveries %d and --deliveries-per-channel %d: want at least 1 each", m.Deliveries, m.PerChannel))
	}
	m.MetricsToken = os.Getenv("TIERLINE_METRICS_TOKEN")
	m.Log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	if err := m.Run(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	m.Log.Info("shutting down: answering the requests in flight; a second signal stops at once",
		"drain", m.HTTP.withDefaults().Drain.String())
	return m.Close()
}

// banner tells a newcomer what to do next.
func (m *Main) banner() {
	if m.Stdout == nil {
		return
	}
	w := m.Stdout
	fmt.Fprintf(w, "tierline is running at %s (data in %s)\n", m.URL, m.DataDir)
	if m.ConfigPath != "" {
		fmt.Fprintf(w, "config: %s, %d integrations, %d api keys\n", m.ConfigPath, len(m.Config.Integrations), len(m.Config.APIKeys))
		return
	}
	fmt.Fprintf(w, `config: the built-in demo (integration "demo", token demo-token; api key demo-key)

Send an alert:
  curl -X POST %s/v1/hooks/demo -H 'Authorization: Bearer demo-token' \
    -H 'Content-Type: application/json' \
    -d '{"title":"Disk full on db-1","severity":"warning","dedup_key":"disk-db-1"}'

Or file a request as a person would: %s/forms/it-help

Watch it from another terminal:
  export TIERLINE_URL=%s TIERLINE_API_KEY=demo-key
  tierline tickets
  tierline show <id>        # it escalates to L2 if nobody acknowledges within a minute

%s
`, m.URL, m.URL, m.URL, strings.Repeat("-", 72))
}
