package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// sweeper is the safety net behind the stream, the tier queues and the
// timers: every few minutes it asks the sweep index for the tickets that
// are late for an escalation step or a hand-off delivery and repairs each
// (desk.Sweep). It also counts each tier's unresolved tickets for the
// dashboard's gauges, so a quiet table costs a run one Query per sweep
// index shard and 12 on the tier-and-status index (each tier's open and
// acknowledged incidents and problems).
type sweeper struct {
	desk       *desk.Service
	suspects   func(ctx context.Context, before time.Time, limit int) ([]string, error)                  // dynamo.Store.Suspects
	unresolved func(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error) // dynamo.Store.Unresolved
	stage      string                                                                                    // the metrics' dimension
	log        *slog.Logger
	now        func() time.Time // default time.Now
}

// sweepLimit is how many suspects one run takes on; more wait for the
// next run, a few minutes later. sweepWorkers repair them concurrently.
const (
	sweepLimit   = 1000
	sweepWorkers = 8
)

// result is what one run found and did; the function answers it and logs
// it as CloudWatch metrics.
type result struct {
	Suspects  int `json:"suspects"`
	Stepped   int `json:"stepped"`   // late escalation steps run
	Restarted int `json:"restarted"` // timers started again
	Resent    int `json:"resent"`    // hand-offs sent again
	Failed    int `json:"failed"`    // repairs that failed; the next run tries again
}

// handle runs one sweep. A repair that fails is logged and counted, the
// others go on, and the run then fails, so that the function's Errors
// alarm fires; the next run tries the failed ones again.
func (s *sweeper) handle(ctx context.Context, _ events.EventBridgeEvent) (result, error) {
	now := s.clock()
	ids, err := s.suspects(ctx, now, sweepLimit)
	if err != nil {
		return result{}, fmt.Errorf("sweep: read the suspects: %w", err)
	}
	res := result{Suspects: len(ids)}
	var mu sync.Mutex
	var errs []error
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(sweepWorkers, len(ids)) {
		wg.Go(func() {
			for id := range work {
				r, err := s.desk.Sweep(ctx, id)
				mu.Lock()
				res.add(r, err)
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					s.log.ErrorContext(ctx, "sweep: repair failed; the next run tries again", "ticket", id, "err", err)
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	s.metrics(ctx, now, res)
	s.gauges(ctx, now)
	if len(errs) > 0 {
		return res, fmt.Errorf("sweep: %d of %d repairs failed; the first: %w", len(errs), len(ids), errs[0])
	}
	return res, nil
}

func (r *result) add(rep desk.Repair, err error) {
	if err != nil {
		r.Failed++
	}
	if rep.Stepped {
		r.Stepped++
	}
	if rep.Timer {
		r.Restarted++
	}
	if rep.Resent != 0 {
		r.Resent++
	}
}

// metrics logs the run as one line in CloudWatch's embedded metric format:
// CloudWatch Logs turns it into the metrics of namespace "tierline" that
// the dashboard draws and the repairs alarm watches, with no PutMetricData
// call. Repairs is the sum an operator wants at zero: each one is work the
// stream, a queue or a timer lost.
func (s *sweeper) metrics(ctx context.Context, now time.Time, r result) {
	names := []string{"Suspects", "Repairs", "StepsRun", "TimersRestarted", "HandOffsResent", "RepairsFailed"}
	defs := make([]map[string]string, len(names))
	for i, n := range names {
		defs[i] = map[string]string{"Name": n, "Unit": "Count"}
	}
	emf := map[string]any{"Timestamp": now.UnixMilli(), "CloudWatchMetrics": []map[string]any{{
		"Namespace": "tierline", "Dimensions": [][]string{{"Stage"}}, "Metrics": defs}}}
	s.log.InfoContext(ctx, "sweep done", "_aws", emf, "Stage", s.stage,
		"Suspects", r.Suspects, "Repairs", r.Stepped+r.Resent, "StepsRun", r.Stepped,
		"TimersRestarted", r.Restarted, "HandOffsResent", r.Resent, "RepairsFailed", r.Failed)
}

// gauges logs each tier's unresolved tickets now (store.Unresolved: open,
// acknowledged, and the age of the oldest of them), a line per tier in
// the embedded metric format with dimensions [Stage, Tier]: an EMF
// document takes a dimension's value from its root member of that name,
// so one line names one tier. Every run logs all three tiers, zeros
// included, so that a gauge drawn as its Maximum reads 0 rather than a
// gap once a tier is clear. A failed count is logged and does not fail
// the run, whose error means a repair failed.
func (s *sweeper) gauges(ctx context.Context, now time.Time) {
	counts, err := s.unresolved(ctx, "")
	if err != nil {
		s.log.ErrorContext(ctx, "sweep: count the unresolved tickets; no gauges this run", "err", err)
		return
	}
	defs := []map[string]string{{"Name": "Open", "Unit": "Count"}, {"Name": "Acknowledged", "Unit": "Count"},
		{"Name": "OldestOpenSeconds", "Unit": "Seconds"}}
	emf := map[string]any{"Timestamp": now.UnixMilli(), "CloudWatchMetrics": []map[string]any{{
		"Namespace": "tierline", "Dimensions": [][]string{{"Stage", "Tier"}}, "Metrics": defs}}}
	for _, tier := range ticket.Tiers {
		u, oldest := counts[tier], 0.0
		if !u.Oldest.IsZero() {
			oldest = max(0, now.Sub(u.Oldest).Seconds())
		}
		s.log.InfoContext(ctx, "sweep gauges", "_aws", emf, "Stage", s.stage, "Tier", tier.String(),
			"Open", u.Open, "Acknowledged", u.Acknowledged, "OldestOpenSeconds", oldest)
	}
}

func (s *sweeper) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}
