package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/shared/desk"
)

// sweeper is the safety net behind the stream, the tier queues and the
// timers: every few minutes it asks the sweep index for the tickets that
// are late for an escalation step or a hand-off delivery and repairs each
// (desk.Sweep). It reads nothing else, so a quiet table costs one Query
// per index shard a run.
type sweeper struct {
	desk     *desk.Service
	suspects func(ctx context.Context, before time.Time, limit int) ([]string, error) // dynamo.Store.Suspects
	stage    string                                                                   // the metrics' dimension
	log      *slog.Logger
	now      func() time.Time // default time.Now
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

func (s *sweeper) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}
