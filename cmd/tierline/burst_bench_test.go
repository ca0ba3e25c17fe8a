package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// BenchmarkBurstDeliveries measures the tier workers under a burst: each
// iteration opens 500 tickets at once, from 32 goroutines, and waits until L1's webhook, which
// answers after 150 ms as chat webhooks do, has received all 500
// hand-offs. It reports hand-offs/s; the ingest is direct (no HTTP), so
// the figure is the delivery path's: queue, desk.Notify, the webhook and
// the record. Timings are for comparing builds side by side:
//
//	go test -run '^$' -bench BurstDeliveries -benchtime 3x ./cmd/tierline
func BenchmarkBurstDeliveries(b *testing.B) {
	const burst = 500
	arrived := make(chan struct{}, burst)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		arrived <- struct{}{}
		time.Sleep(150 * time.Millisecond) // the receiver's latency, not the test's
	}))
	b.Cleanup(hook.Close)
	path := filepath.Join(b.TempDir(), "tierline.yaml")
	cfg := fmt.Sprintf("integrations:\n  - {name: prom, kind: generic, token: prom-token}\nchannels:\n  L1: [{name: l1, kind: webhook, url: %q}]\n", hook.URL)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: b.TempDir(), Visibility: time.Minute,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		var wg sync.WaitGroup
		for w := range 32 { // as 32 senders would post it
			wg.Go(func() {
				for j := w; j < burst; j += 32 {
					sig := ticket.Signal{Action: ticket.Trigger, Title: "disk full", DedupKey: fmt.Sprintf("disk-%d-%d", i, j)}
					if _, err := m.desk.Ingest(b.Context(), "prom", sig); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		for range burst {
			select {
			case <-arrived:
			case <-time.After(time.Minute):
				b.Fatal("the burst's hand-offs did not all arrive within a minute")
			}
		}
	}
	b.ReportMetric(float64(burst*b.N)/time.Since(start).Seconds(), "handoffs/s")
}
