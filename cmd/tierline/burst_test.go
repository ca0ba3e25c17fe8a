package main

import (
	"encoding/json"
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

	"github.com/tierline/tierline/shared/notify"
)

// holder is an on-call webhook that holds every hand-off until the test
// lets one go, and counts how many it holds at once.
type holder struct {
	*httptest.Server
	arrived chan string   // the ticket of each hand-off, as it arrives
	release chan struct{} // each send lets one held hand-off go
	mu      sync.Mutex
	held    int
	most    int
	got     map[string]int // hand-offs per ticket
}

func newHolder(tb testing.TB) *holder {
	h := &holder{arrived: make(chan string, 1000), release: make(chan struct{}), got: map[string]int{}}
	stop := make(chan struct{})
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m notify.Message
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			tb.Errorf("holder: %v", err)
		}
		h.mu.Lock()
		h.held++
		h.most = max(h.most, h.held)
		h.got[m.Tierline.Ticket.ID]++
		h.mu.Unlock()
		h.arrived <- m.Tierline.Ticket.ID
		select {
		case <-h.release:
		case <-stop:
		}
		h.mu.Lock()
		h.held--
		h.mu.Unlock()
	}))
	tb.Cleanup(h.Close)
	tb.Cleanup(func() { close(stop) }) // runs first: nothing stays held
	return h
}

// Ensure the tier workers deliver a burst larger than a receive batch with
// as many hand-offs in flight as their bounds allow, per channel and
// overall, and no more; and that each is delivered once and recorded.
func TestBurstInFlight(t *testing.T) {
	const alerts = 30
	tests := []struct {
		name                   string
		deliveries, perChannel int // 0: the defaults
		want                   int // hand-offs held at once, at most
		least                  int // and at least
	}{
		// Ensure the whole burst is in flight at once under the default bounds, not ten at a time.
		{name: "defaults", want: alerts, least: alerts},
		// Ensure the bound per channel holds.
		{name: "per_channel", perChannel: 8, want: 8, least: 8},
		// Ensure the overall bound holds: idle L2 and L3 each keep a slot
		// for their next page.
		{name: "overall", deliveries: 8, want: 8, least: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHolder(t)
			m := runBurstMain(t, h.URL, tc.deliveries, tc.perChannel)
			a := api{t, m.URL}
			ids := make([]string, alerts)
			for i := range alerts {
				ids[i] = a.hook(fmt.Sprintf(`{"title":"disk full on db-%d","dedup_key":"disk-db-%d"}`, i, i)).Results[0].TicketID
			}
			for i := range tc.least {
				select {
				case <-h.arrived:
				case <-time.After(20 * time.Second):
					t.Fatalf("only %d hand-offs in flight at once, want %d", i, tc.least)
				}
			}
			for range alerts {
				select {
				case h.release <- struct{}{}:
				case <-time.After(20 * time.Second):
					t.Fatal("a hand-off of the burst never arrived")
				}
			}
			h.mu.Lock()
			most, got := h.most, len(h.got)
			h.mu.Unlock()
			if most > tc.want || most < tc.least || got != alerts {
				t.Fatalf("%d hand-offs in flight at most, for %d tickets; want %d to %d for %d", most, got, tc.least, tc.want, alerts)
			}
			for _, id := range ids {
				eventually(t, 10*time.Second, "the delivery on the timeline of "+id, func() bool {
					for _, e := range a.ticket(id).Timeline {
						if e.Kind == "notified" {
							return true
						}
					}
					return false
				})
			}
		})
	}
}

// runBurstMain boots the program with L1 paging url, deadlines long
// enough that nothing escalates, and the given delivery bounds.
func runBurstMain(tb testing.TB, url string, deliveries, perChannel int) *Main {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "tierline.yaml")
	cfg := fmt.Sprintf(`
integrations:
  - {name: prom, kind: generic, token: prom-token}
channels:
  L1: [{name: l1, kind: webhook, url: %q}]
api_keys:
  - {name: ops, key: ops-key}
`, url)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: tb.TempDir(), Visibility: time.Minute,
		Deliveries: deliveries, PerChannel: perChannel, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(tb.Context()); err != nil {
		tb.Fatalf("Run: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}
