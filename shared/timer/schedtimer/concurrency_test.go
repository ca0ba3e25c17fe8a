package schedtimer_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// gate is an HTTP transport in front of the Scheduler stand-in that holds
// each request until `want` are in flight at once (or it gives up after
// patience), and records the most it saw: a sequential client never fills
// it, a concurrent one does, with no timing in the assertion.
type gate struct {
	next     http.RoundTripper
	want     int
	patience time.Duration

	mu       sync.Mutex
	inFlight int
	most     int
	full     chan struct{}
	once     sync.Once
	filled   bool
}

func (g *gate) open() { g.once.Do(func() { close(g.full) }) }

func newGate(want int) *gate {
	return &gate{next: http.DefaultTransport, want: want, patience: 10 * time.Second, full: make(chan struct{})}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	if g.inFlight >= g.want && !g.filled {
		g.filled = true
		g.once.Do(func() { close(g.full) })
	}
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inFlight--; g.mu.Unlock() }()
	select {
	case <-g.full:
	case <-time.After(g.patience):
		g.open() // never filled: let the rest through so the test fails now
	}
	return g.next.RoundTrip(r)
}

// Ensure Start and Stop of many wakes keep Concurrency requests in flight,
// never more: a batch of 100 new tickets is not 100 round trips one after
// another, nor a burst beyond Scheduler's rate.
func TestManyWakesAtOnce(t *testing.T) {
	endpoint := awstest.Moto(t)
	for _, op := range []string{"Start", "Stop"} {
		t.Run(op, func(t *testing.T) {
			s := awstest.NewSchedules(t, endpoint, "many-"+strings.ToLower(op))
			var wakes []ticket.Wake
			for i := range 100 {
				wakes = append(wakes, ticket.Wake{TicketID: fmt.Sprintf("0c7g2m4x9k%04d", i), Clock: 1, At: time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)})
			}
			if op == "Stop" {
				if err := schedtimer.New(s.Client, target(s.Group)).Start(ctx, wakes...); err != nil {
					t.Fatal(err)
				}
			}
			g := newGate(schedtimer.Concurrency)
			c := scheduler.NewFromConfig(awstest.Config(endpoint), func(o *scheduler.Options) { o.HTTPClient = &http.Client{Transport: g} })
			tm := schedtimer.New(c, target(s.Group))
			var err error
			if op == "Start" {
				err = tm.Start(ctx, wakes...)
			} else {
				err = tm.Stop(ctx, wakes...)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !g.filled || g.most != schedtimer.Concurrency {
				t.Fatalf("%s of 100 wakes: at most %d requests in flight, want %d", op, g.most, schedtimer.Concurrency)
			}
			left, err := s.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"Start": 100, "Stop": 0}[op]; len(left) != want {
				t.Fatalf("%d schedules after %s, want %d", len(left), op, want)
			}
		})
	}
}

// throttle answers Scheduler's ThrottlingException to the first `first`
// requests and passes the others on.
type throttle struct {
	next  http.RoundTripper
	first int64
	seen  atomic.Int64
}

func (th *throttle) RoundTrip(r *http.Request) (*http.Response, error) {
	if th.seen.Add(1) > th.first {
		return th.next.RoundTrip(r)
	}
	body := `{"message":"Rate exceeded"}`
	return &http.Response{StatusCode: http.StatusTooManyRequests, Request: r, ContentLength: int64(len(body)),
		Header: http.Header{"X-Amzn-Errortype": {"ThrottlingException"}, "Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(body))}, nil
}

// Ensure throttling is retried by the SDK with Retryer, so a burst that
// meets Scheduler's rate limit still starts every timer; and that, without
// retries left, throttling and server errors are Unavailable (dispatch
// retries) while a refused request is Internal.
func TestThrottlingAndErrors(t *testing.T) {
	endpoint := awstest.Moto(t)
	s := awstest.NewSchedules(t, endpoint, "throttled")
	var wakes []ticket.Wake
	for i := range 4 {
		wakes = append(wakes, ticket.Wake{TicketID: fmt.Sprintf("0c7g2m4x9k%04d", i), Clock: 1, At: time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)})
	}
	th := &throttle{next: http.DefaultTransport, first: 4}
	c := scheduler.NewFromConfig(awstest.Config(endpoint), func(o *scheduler.Options) {
		o.Retryer = schedtimer.Retryer()
		o.HTTPClient = &http.Client{Transport: th}
	})
	if err := schedtimer.New(c, target(s.Group)).Start(ctx, wakes...); err != nil {
		t.Fatalf("Start through throttling: %v", err)
	}
	if got, err := s.List(ctx, ""); err != nil || len(got) != 4 {
		t.Fatalf("%d schedules after throttled starts (%v), want 4", len(got), err)
	}

	tests := []struct {
		name   string
		status int
		typ    string
		code   ticket.Code
	}{
		{"throttled", http.StatusTooManyRequests, "ThrottlingException", ticket.Unavailable},
		{"server_error", http.StatusInternalServerError, "InternalServerException", ticket.Unavailable},
		{"quota", http.StatusPaymentRequired, "ServiceQuotaExceededException", ticket.Unavailable},
		{"refused", http.StatusBadRequest, "ValidationException", ticket.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := scheduler.NewFromConfig(awstest.Config(endpoint), func(o *scheduler.Options) {
				o.HTTPClient = &http.Client{Transport: failing(tc.status, tc.typ)}
			})
			tm := schedtimer.New(c, target(s.Group))
			for name, err := range map[string]error{"Start": tm.Start(ctx, wakes...), "Stop": tm.Stop(ctx, wakes...)} {
				if ticket.ErrorCode(err) != tc.code {
					t.Errorf("%s error %v (code %q), want code %q", name, err, ticket.ErrorCode(err), tc.code)
				}
			}
		})
	}
}

// failing answers every request with the error typ.
func failing(status int, typ string) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		body := `{"message":"` + typ + ` from the test"}`
		return &http.Response{StatusCode: status, Request: r, ContentLength: int64(len(body)),
			Header: http.Header{"X-Amzn-Errortype": {typ}, "Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(body))}, nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
