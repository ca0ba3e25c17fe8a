package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/notify"
)

// flaky is an on-call webhook that refuses hand-offs (503) until it is
// told to take them, and keeps those it took.
type flaky struct {
	*httptest.Server
	up  atomic.Bool
	mu  sync.Mutex
	got []notify.Message
}

func newFlaky(tb testing.TB) *flaky {
	f := &flaky{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var m notify.Message
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			tb.Errorf("flaky: %v", err)
		}
		f.mu.Lock()
		f.got = append(f.got, m)
		f.mu.Unlock()
	}))
	tb.Cleanup(f.Close)
	return f
}

func (f *flaky) messages() []notify.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notify.Message(nil), f.got...)
}

// Ensure L1 is told of a ticket even when its channel was down until
// after the ticket escalated to L2: the page reaches L1 late, saying that
// L2 has the ticket, and the timeline records it as a late delivery.
func TestLatePageReachesL1(t *testing.T) {
	l1, l2 := newFlaky(t), newReceiver(t)
	cfg := fmt.Sprintf(`
integrations:
  - {name: prom, kind: generic, token: prom-token}
policies:
  default:
    L1: {acknowledge: 1s, resolve: 1h}
    L2: {acknowledge: 1h, resolve: 2h}
channels:
  L1: [{name: l1-chat, kind: webhook, url: %q}]
  L2: [{name: l2-chat, kind: webhook, url: %q}]
api_keys:
  - {name: ops, key: ops-key}
`, l1.URL, l2.URL)
	m := MustRunMain(t, cfg, t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"Disk full on db-1","dedup_key":"disk-db-1"}`).Results[0].TicketID
	eventually(t, 20*time.Second, "the escalation to L2 and its page", func() bool {
		return a.ticket(id).Tier == "L2" && len(l2.messages()) > 0
	})
	l1.up.Store(true)
	eventually(t, 30*time.Second, "the late page to L1", func() bool { return len(l1.messages()) > 0 })
	got := l1.messages()[0]
	if h := got.Tierline; h.Tier != "L1" || h.Notice != 1 || h.MovedOn == nil || h.MovedOn.To != "L2" || h.MovedOn.Notice != 2 {
		t.Fatalf("L1 got %+v (moved_on %+v), want hand-off 1 to L1 saying L2 has the ticket", h, h.MovedOn)
	}
	eventually(t, 10*time.Second, "the late delivery on the timeline", func() bool {
		for _, e := range a.ticket(id).Timeline {
			if e.Kind == "notified" && e.Channel == "l1-chat" && e.To == "L1" && e.Reason == "late: the ticket had moved on to L2" {
				return true
			}
		}
		return false
	})
}
