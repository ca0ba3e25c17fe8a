package main

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// The tier figures of the stream, as CloudWatch metrics.
//
// Each batch logs what its changes count (figures.Of, the parts the store
// already added to its rollups) in CloudWatch's embedded metric format
// (EMF): CloudWatch Logs extracts the metrics of namespace "tierline" from
// the log line itself, so there is no PutMetricData call to make, wait on,
// pay for or allow; the metrics cost only the bytes of a few log lines a
// batch. They are for the dashboard and alarms, not for accounting: the
// stream delivers at least once, and a batch redelivered after dispatch
// logged it (a crash, a timeout) counts twice in CloudWatch, while the
// rollups that GET /v1/metrics reads were counted exactly once, in each
// change's own write.
//
// The dimensions are [Stage, Tier]. An EMF document takes a dimension's
// value from its root member of that name, so one line can name one tier
// only: dispatch logs one line per tier its batch moved (at most three),
// none for a batch that counted nothing.

// tierFigures is what a batch's changes add to one tier: the counts, and
// the durations (in seconds) of the acknowledgements and resolutions.
type tierFigures struct {
	figures.Part
	acknowledge, resolve []float64
}

// batchFigures is a batch's figures, indexed by ticket.Tier (0 unused).
type batchFigures [ticket.L3 + 1]tierFigures

// emfMaxValues is the most values one metric of an EMF document may hold.
const emfMaxValues = 100

// add counts one stored change.
func (b *batchFigures) add(c ticket.Change) {
	for _, p := range figures.Of(c.Old, c.New) {
		t := &b[p.Tier]
		t.Merge(p)
		t.acknowledge = append(t.acknowledge, acknowledgeSamples(c, p)...)
		if len(p.Resolve) > 0 {
			t.resolve = append(t.resolve, c.New.ResolvedAt.Sub(c.New.CreatedAt).Seconds())
		}
	}
}

// acknowledgeSamples is the time to acknowledge that p, a part of change
// c, counts. It is exact from the head where the head proves the
// acknowledgement the first of the ticket's first stay at its tier, which
// it entered at its creation: never escalated (Escalations) nor reopened
// (each hand-off but the first is an escalation, a reopen or a repeat).
// Otherwise it is figures.Of's histogram, each sample read as the middle
// of its bin; but Of finds when the ticket entered its tier in the old
// image's timeline, and a stream image is a head, without one. So the
// first acknowledgement of an escalated or reopened ticket has no sample
// here; /v1/metrics, counted at the write, has it.
func acknowledgeSamples(c ticket.Change, p figures.Part) []float64 {
	if p.Acknowledged == 0 {
		return nil
	}
	if o := c.Old; o != nil && o.Escalations == 0 && o.Notices == 1+o.Repeats {
		return []float64{c.New.AcknowledgedAt.Sub(c.New.CreatedAt).Seconds()}
	}
	var out []float64
	for bin, n := range p.Acknowledge {
		middle := figures.Middle(bin).Seconds()
		for range n {
			out = append(out, middle)
		}
	}
	return out
}

// figures logs the figures of the records dispatch is done with (those the
// stream will not deliver again, parked ones included), a line per tier.
// It never fails the batch: a panic is logged and the figures dropped.
func (d *dispatcher) figures(ctx context.Context, recs []record) {
	defer func() {
		if v := recover(); v != nil {
			d.log.ErrorContext(ctx, "stream figures dropped", "panic", v)
		}
	}()
	var b batchFigures
	for _, r := range recs {
		if r.ticket && r.err == nil {
			b.add(r.change)
		}
	}
	now := d.clock()
	for _, tier := range ticket.Tiers {
		if t := b[tier]; !t.empty() {
			d.log.InfoContext(ctx, "stream figures", t.emf(now, d.stage, tier)...)
		}
	}
}

// empty reports whether t has nothing to log: an acknowledgement without
// a sample counts nothing the line holds.
func (t tierFigures) empty() bool {
	c := t.Counts
	c.Acknowledged = 0
	return c == figures.Counts{} && len(t.acknowledge) == 0 && len(t.resolve) == 0
}

// emf is a tier's figures as the attributes of an EMF line. It declares
// only the counts that moved and the durations it has: a line costs its
// bytes, and a count that is zero needs no data point (the dashboard
// sums what is there).
func (t tierFigures) emf(now time.Time, stage string, tier ticket.Tier) []any {
	var defs []map[string]string
	attrs := []any{"Stage", stage, "Tier", tier.String()}
	for _, c := range []struct {
		name string
		n    int
	}{{"Entered", t.Entered}, {"Resolved", t.Resolved}, {"Escalated", t.Escalated}, {"Reopened", t.Reopened},
		{"AcknowledgeBreaches", t.AcknowledgeBreaches}, {"ResolveBreaches", t.ResolveBreaches}} {
		if c.n != 0 {
			defs = append(defs, map[string]string{"Name": c.name, "Unit": "Count"})
			attrs = append(attrs, c.name, c.n)
		}
	}
	for _, s := range []struct {
		name   string
		values []float64
	}{{"TimeToAcknowledge", t.acknowledge}, {"TimeToResolve", t.resolve}} {
		if len(s.values) > 0 {
			defs = append(defs, map[string]string{"Name": s.name, "Unit": "Seconds"})
			attrs = append(attrs, s.name, s.values[:min(len(s.values), emfMaxValues)])
		}
	}
	emf := map[string]any{"Timestamp": now.UnixMilli(), "CloudWatchMetrics": []map[string]any{{
		"Namespace": "tierline", "Dimensions": [][]string{{"Stage", "Tier"}}, "Metrics": defs}}}
	return append([]any{"_aws", emf}, attrs...)
}
