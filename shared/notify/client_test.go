package notify_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
)

// Ensure the default client keeps a connection alive for each of many
// concurrent deliveries to one receiver, so that the next burst reuses
// them instead of dialling again.
func TestWebhookKeepsConnections(t *testing.T) {
	const burst = 40
	var dials atomic.Int64
	var arrived sync.WaitGroup
	arrived.Add(burst)
	release := make(chan struct{})
	first := true
	var mu sync.Mutex
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		hold := first
		mu.Unlock()
		if hold { // the first burst waits until all of it is in flight: one connection each
			arrived.Done()
			<-release
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	ch := policy.Channel{Name: "l1", Kind: "webhook", URL: srv.URL}
	d := &notify.Deliverer{}
	burstOf := func() {
		var wg sync.WaitGroup
		for range burst {
			wg.Go(func() {
				if err := d.Deliver(context.Background(), ch, escalatedHandOff(t)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	go func() { arrived.Wait(); close(release) }()
	burstOf()
	mu.Lock()
	first = false
	mu.Unlock()
	opened := dials.Load()
	burstOf()
	if again := dials.Load() - opened; again > burst/4 {
		t.Fatalf("the second burst of %d dialled %d new connections after the first opened %d; want them reused", burst, again, opened)
	}
}
