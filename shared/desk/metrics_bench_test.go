package desk_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/httpapi"
)

// benchKey is the api key GET /v1/metrics is called with.
const benchKey = "bench-key-1"

// BenchmarkMetrics times GET /v1/metrics (the real handler, over the
// desk, over the SQLite store) on the default window of 7 days, holding
// a number of tickets created, most of them acknowledged, some escalated,
// and resolved in the window, beside the same backlog of 100 unresolved
// tickets in every case (Unresolved counts from the tier-and-status
// index, so its cost follows the backlog, not the window). The report
// reads the window's rollup rows, reported as "rollup-rows/op": a row per
// hour, integration and tier, so at most hours × integrations × tiers for
// any number of tickets; "rollup-fields/op" are the counts and histogram
// bins those rows hold, which grow with the distinct durations up to a
// bound (the bins of a histogram) and cost only their decoding.
// go test -run '^$' -bench Metrics ./shared/desk
func BenchmarkMetrics(b *testing.B) {
	for _, n := range []int{1000, 20000, 200000} {
		b.Run(fmt.Sprintf("tickets=%d", n), func(b *testing.B) {
			e := MustServiceConfig(b, testConfig+"api_keys:\n  - {name: ops, key: \""+benchKey+"\"}\n")
			end := start.Add(desk.DefaultMetricsWindow)
			began := time.Now()
			seedWindow(b, e, n, start, end)
			seedBacklog(b, e, end)
			e.Clock.Add(end.Sub(start))
			b.Logf("seeded %d tickets and a backlog of %d in %v", n, backlogSize, time.Since(began).Round(time.Millisecond))
			fields, rows := checkReport(b, e, n)

			server, err := httpapi.New(e.Desk, e.Desk.Config, httpapi.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/v1/metrics", nil)
			req.Header.Set("Authorization", "Bearer "+benchKey)
			for b.Loop() {
				rec := httptest.NewRecorder()
				server.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET /v1/metrics: %d %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(fields), "rollup-fields/op")
			b.ReportMetric(float64(rows), "rollup-rows/op")
		})
	}
}

// The backlog every case holds: open at L1, acknowledged at L1, and open
// at L2 after an escalation by hand.
const (
	backlogOpen         = 60
	backlogAcknowledged = 25
	backlogEscalated    = 15
	backlogSize         = backlogOpen + backlogAcknowledged + backlogEscalated
)

// seedWindow creates n tickets through the desk, their creations spread
// evenly from the hour after from to 8 hours before end, and takes each
// through its life: a tenth escalated by hand, then acknowledged and
// resolved; a tenth resolved without acknowledgement; the rest
// acknowledged and resolved. Durations are pseudo-random per ticket, so
// that the rollups' histograms fill as real ones do. Workers run in
// parallel, each on a copy of the desk with a clock of its own, so that
// the store's group commit shares its fsyncs among them.
func seedWindow(tb testing.TB, e *Env, n int, from, end time.Time) {
	tb.Helper()
	first := from.Add(time.Hour)
	span := end.Add(-8 * time.Hour).Sub(first)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var failed error
	for range 128 {
		wg.Go(func() {
			d := *e.Desk
			var now time.Time
			d.Now = func() time.Time { return now }
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				now = first.Add(time.Duration(float64(span) * float64(i) / float64(n)))
				if err := lifecycle(&d, &now, i); err != nil {
					once.Do(func() { failed = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		tb.Fatal(failed)
	}
}

// lifecycle creates ticket i at *now and takes it to resolved, moving
// *now (d's clock) on between the steps.
func lifecycle(d *desk.Service, now *time.Time, i int) error {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(r.Int64N(int64(hi-lo))) }
	sig := Alert(fmt.Sprintf("seed-%d", i))
	if i%8 == 0 {
		sig.Severity = "critical" // starts at L2
	}
	rs, err := d.Ingest(ctx, "prometheus", sig)
	if err != nil {
		return err
	}
	if rs[0].Outcome != desk.Created {
		return fmt.Errorf("ticket %d: %s, want created", i, rs[0].Outcome)
	}
	id, ann := rs[0].TicketID, desk.By("ann")
	switch i % 10 {
	case 0:
		*now = now.Add(between(time.Minute, 10*time.Minute))
		if _, err := d.Escalate(ctx, id, ann, "over to the next tier"); err != nil {
			return err
		}
		fallthrough
	default:
		*now = now.Add(between(10*time.Second, time.Hour))
		if _, err := d.Acknowledge(ctx, id, ann, ""); err != nil {
			return err
		}
	case 1:
	}
	*now = now.Add(between(time.Minute, 6*time.Hour))
	_, err = d.Resolve(ctx, id, ann, "fixed")
	return err
}

// seedBacklog creates the backlog in the 6 hours before end.
func seedBacklog(tb testing.TB, e *Env, end time.Time) {
	tb.Helper()
	d := *e.Desk
	var now time.Time
	d.Now = func() time.Time { return now }
	for i := range backlogSize {
		now = end.Add(-6 * time.Hour).Add(time.Duration(i) * time.Minute)
		rs, err := d.Ingest(ctx, "prometheus", Alert(fmt.Sprintf("open-%d", i)))
		if err != nil {
			tb.Fatal(err)
		}
		id := rs[0].TicketID
		now = now.Add(30 * time.Second)
		switch {
		case i < backlogOpen:
		case i < backlogOpen+backlogAcknowledged:
			_, err = d.Acknowledge(ctx, id, desk.By("ann"), "")
		default:
			_, err = d.Escalate(ctx, id, desk.By("ann"), "over to L2")
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// checkReport checks that the report counts what was seeded and returns
// the number of rollup fields of its window.
func checkReport(tb testing.TB, e *Env, n int) (fields, rows int) {
	tb.Helper()
	report, err := e.Desk.Metrics(ctx, time.Time{}, time.Time{}, figures.Filter{})
	if err != nil {
		tb.Fatal(err)
	}
	var entered, escalated, resolved, open, acknowledged int
	for _, t := range report.Tiers {
		entered, escalated, resolved = entered+t.Entered, escalated+t.Escalated, resolved+t.Resolved
		open, acknowledged = open+t.Now.Open, acknowledged+t.Now.Acknowledged
	}
	if entered-escalated != n+backlogSize || resolved != n || open != backlogOpen+backlogEscalated || acknowledged != backlogAcknowledged {
		tb.Fatalf("report: %d entered, %d escalated, %d resolved, %d open, %d acknowledged; want %d new, %d resolved, %d open, %d acknowledged",
			entered, escalated, resolved, open, acknowledged, n+backlogSize, n, backlogOpen+backlogEscalated, backlogAcknowledged)
	}
	parts, err := e.Store.Figures(ctx, report.Since, report.Until)
	if err != nil {
		tb.Fatal(err)
	}
	fields = 0
	for _, p := range parts {
		fields += len(p.Fields())
	}
	return fields, len(parts)
}
