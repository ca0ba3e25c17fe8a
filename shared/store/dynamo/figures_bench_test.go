package dynamo_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// BenchmarkMetrics calls GET /v1/metrics through the api stack on the
// dynamo store over an in-process minidyn, on a window of 7 days holding
// a number of tickets created, most of them acknowledged, some escalated,
// and resolved in it, beside the same backlog of 100 unresolved tickets
// in every case, and reports the DynamoDB requests and capacity units of
// one report (reads/op, RRU/op; writes/op should be 0). The time measures
// minidyn, not AWS: minidyn answers a Query by matching every item of the
// table and copies the whole table for each TransactWriteItems, so both
// the time of a report and the seeding grow with the table (seeding 1,000
// tickets takes about 2 minutes), which DynamoDB's do not. The requests
// and units are the store's, and are what this measures. Few iterations
// tell them: go test -run '^$' -bench Metrics -benchtime 3x ./shared/store/dynamo
func BenchmarkMetrics(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("tickets=%d", n), func(b *testing.B) {
			a := MustOpenAPI(b)
			from, end := start, start.Add(desk.DefaultMetricsWindow)
			began := time.Now()
			seedFigures(b, a, n, from, end)
			seedOpen(b, a, end)
			b.Logf("seeded %d tickets and a backlog of %d in %v", n, openSize, time.Since(began).Round(time.Millisecond))
			checkFigures(b, a, n, from, end)

			path := "/v1/metrics?" + url.Values{"since": {from.Format(time.RFC3339)}, "until": {end.Format(time.RFC3339)}}.Encode()
			a.Counter.Reset()
			a.Capacity.Take()
			calls := 0
			for b.Loop() {
				if r := a.Call(b, "GET", path, ""); r.Status != http.StatusOK {
					b.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
				}
				calls++
			}
			b.Logf("requests of %d reports: %s", calls, awstest.Format(a.Counter.Counts()))
			report(b, a, calls)
		})
	}
}

// The backlog every case holds: open at L1, acknowledged at L1, and open
// at L2 after an escalation by hand.
const (
	openOpen         = 60
	openAcknowledged = 25
	openEscalated    = 15
	openSize         = openOpen + openAcknowledged + openEscalated
)

// seedFigures creates n tickets through the desk, their creations spread
// evenly from the hour after from to 8 hours before end, and takes each
// through its life: a tenth escalated by hand, then acknowledged and
// resolved; a tenth resolved without acknowledgement; the rest
// acknowledged and resolved, after pseudo-random durations. Workers run
// in parallel, each on a copy of the desk with a clock of its own.
func seedFigures(tb testing.TB, a *API, n int, from, end time.Time) {
	tb.Helper()
	first := from.Add(time.Hour)
	span := end.Add(-8 * time.Hour).Sub(first)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var failed error
	for range 32 {
		wg.Go(func() {
			d := *a.Desk
			var now time.Time
			d.Now = func() time.Time { return now }
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				now = first.Add(time.Duration(float64(span) * float64(i) / float64(n)))
				if err := live(&d, &now, i); err != nil {
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

func benchAlert(key string) ticket.Signal {
	return ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: "disk full on " + key, Severity: "warning", Source: key}
}

// live creates ticket i at *now and takes it to resolved, moving *now
// (d's clock) on between the steps.
func live(d *desk.Service, now *time.Time, i int) error {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(r.Int64N(int64(hi-lo))) }
	sig := benchAlert(fmt.Sprintf("seed-%d", i))
	if i%8 == 0 {
		sig.Severity = "critical" // starts at L2
	}
	rs, err := d.Ingest(ctx, "monitor", sig)
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

// seedOpen creates the backlog in the 6 hours before end.
func seedOpen(tb testing.TB, a *API, end time.Time) {
	tb.Helper()
	d := *a.Desk
	var now time.Time
	d.Now = func() time.Time { return now }
	for i := range openSize {
		now = end.Add(-6 * time.Hour).Add(time.Duration(i) * time.Minute)
		rs, err := d.Ingest(ctx, "monitor", benchAlert(fmt.Sprintf("open-%d", i)))
		if err != nil {
			tb.Fatal(err)
		}
		id := rs[0].TicketID
		now = now.Add(30 * time.Second)
		switch {
		case i < openOpen:
		case i < openOpen+openAcknowledged:
			_, err = d.Acknowledge(ctx, id, desk.By("ann"), "")
		default:
			_, err = d.Escalate(ctx, id, desk.By("ann"), "over to L2")
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// checkFigures checks that the report counts what was seeded.
func checkFigures(tb testing.TB, a *API, n int, from, end time.Time) {
	tb.Helper()
	rep, err := a.Desk.Metrics(ctx, from, end, figures.Filter{})
	if err != nil {
		tb.Fatal(err)
	}
	var entered, escalated, resolved, open, acknowledged int
	for _, t := range rep.Tiers {
		entered, escalated, resolved = entered+t.Entered, escalated+t.Escalated, resolved+t.Resolved
		open, acknowledged = open+t.Now.Open, acknowledged+t.Now.Acknowledged
	}
	if entered-escalated != n+openSize || resolved != n || open != openOpen+openEscalated || acknowledged != openAcknowledged {
		tb.Fatalf("report: %d entered, %d escalated, %d resolved, %d open, %d acknowledged; want %d new, %d resolved, %d open, %d acknowledged",
			entered, escalated, resolved, open, acknowledged, n+openSize, n, openOpen+openEscalated, openAcknowledged)
	}
}
