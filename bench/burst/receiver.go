package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/notify"
)

// page is one hand-off as the receiver got it.
type page struct {
	arrived time.Time // when it reached the receiver
	tier    string
	notice  int
	at      time.Time // when tierline made the hand-off: for L2, the escalation
	late    bool      // marked as having moved on
}

// receiver is the on-call webhook of the burst: it answers every hand-off
// after delay, as chat webhooks do, and records what came when.
type receiver struct {
	delay time.Duration
	mu    sync.Mutex
	pages map[string][]page // by ticket
	paged map[string]int    // tickets with a page, by tier
	bad   int               // bodies that were not a hand-off
	ready chan struct{}     // closed once want is met
	want  func(paged map[string]int) bool
}

func newReceiver(delay time.Duration) *receiver {
	return &receiver{delay: delay, pages: map[string][]page{}, paged: map[string]int{}, ready: make(chan struct{})}
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	arrived := time.Now()
	var m notify.Message
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	err := json.Unmarshal(body, &m)
	r.mu.Lock()
	if err != nil || m.Tierline.Ticket.ID == "" {
		r.bad++
	} else {
		h := m.Tierline
		if !hasTier(r.pages[h.Ticket.ID], h.Tier) {
			r.paged[h.Tier]++
		}
		r.pages[h.Ticket.ID] = append(r.pages[h.Ticket.ID], page{arrived: arrived, tier: h.Tier, notice: h.Notice, at: h.At, late: h.MovedOn != nil})
		if r.want != nil && r.want(r.paged) {
			r.want = nil
			close(r.ready)
		}
	}
	r.mu.Unlock()
	time.Sleep(r.delay) // the receiver's own latency, which the sender waits for
}

// await sets what the receiver waits for, checked on every page against
// the number of tickets paged at each tier.
func (r *receiver) await(want func(paged map[string]int) bool) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if want(r.paged) {
		close(r.ready)
	} else {
		r.want = want
	}
	return r.ready
}

// snapshot returns the pages so far.
func (r *receiver) snapshot() (map[string][]page, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]page, len(r.pages))
	for k, v := range r.pages {
		out[k] = append([]page(nil), v...)
	}
	return out, r.bad
}

func hasTier(ps []page, tier string) bool {
	for _, p := range ps {
		if p.tier == tier {
			return true
		}
	}
	return false
}
