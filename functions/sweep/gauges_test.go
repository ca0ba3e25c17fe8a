package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// gaugeLines returns the "sweep gauges" lines of the function's log by
// tier, after checking each is an EMF document of namespace tierline
// with dimensions [Stage, Tier] and the gauges' metrics.
func (w *world) gaugeLines(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, line := range bytes.Split([]byte(w.Log.String()), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil || m["msg"] != "sweep gauges" {
			continue
		}
		b, _ := json.Marshal(m["_aws"])
		var doc struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		}
		want := []struct{ Name, Unit string }{{"Open", "Count"}, {"Acknowledged", "Count"}, {"OldestOpenSeconds", "Seconds"}}
		if err := json.Unmarshal(b, &doc); err != nil || len(doc.CloudWatchMetrics) != 1 || doc.Timestamp != w.Now.UnixMilli() ||
			doc.CloudWatchMetrics[0].Namespace != "tierline" || !reflect.DeepEqual(doc.CloudWatchMetrics[0].Dimensions, [][]string{{"Stage", "Tier"}}) ||
			!reflect.DeepEqual(doc.CloudWatchMetrics[0].Metrics, want) || m["Stage"] != "test" {
			t.Fatalf("gauges line %s: want one EMF directive of tierline, [[Stage Tier]], %v, Stage test (%v)", line, want, err)
		}
		tier, _ := m["Tier"].(string)
		out[tier] = map[string]any{"Open": m["Open"], "Acknowledged": m["Acknowledged"], "OldestOpenSeconds": m["OldestOpenSeconds"]}
	}
	return out
}

// Ensure each run logs the gauges of every tier, as the store counts them
// after the run's repairs: L1 has the lost ticket (open, 15 minutes old)
// and the fresh one, acknowledged; L2 TicketA, which the sweep escalated,
// and TicketB; L3 the other lost ticket; the resolved one counts nowhere.
func TestSweepGauges(t *testing.T) {
	w := newWorld(t)
	fresh, _ := w.story(t)
	if _, err := w.Tickets.Update(ctx, fresh, func(tk *ticket.Ticket) error {
		return tk.Acknowledge("ann", w.f.Config.Deadlines("", ticket.L1), w.Now)
	}); err != nil {
		t.Fatal(err)
	}
	w.Calls.Reset()
	if _, err := w.sweep(t); err != nil {
		t.Fatal(err)
	}
	// The store dates a ticket by its ID; the fixture's IDs are not of
	// its story's time.
	oldestL2 := ticket.IDTime(lambdatest.TicketA)
	if b := ticket.IDTime(lambdatest.TicketB); b.Before(oldestL2) {
		oldestL2 = b
	}
	want := map[string]map[string]any{
		"L1": {"Open": 1.0, "Acknowledged": 1.0, "OldestOpenSeconds": 900.0},
		"L2": {"Open": 2.0, "Acknowledged": 0.0, "OldestOpenSeconds": w.Now.Sub(oldestL2).Seconds()},
		"L3": {"Open": 1.0, "Acknowledged": 0.0, "OldestOpenSeconds": 1500.0},
	}
	if got := w.gaugeLines(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("gauges %v, want %v", got, want)
	}
	w.ReadSecrets(t)
	lambdatest.CheckPolicies(t, "SweepFunction", w.Calls.List())
}

// Ensure a tier with nothing unresolved reads zeros, not a gap, and that a
// count that fails is logged and fails neither the run nor its metrics.
func TestSweepGaugesEmptyAndFailing(t *testing.T) {
	w := newWorld(t)
	w.Now = lambdatest.At
	if _, err := w.sweep(t); err != nil {
		t.Fatal(err)
	}
	zero := map[string]any{"Open": 0.0, "Acknowledged": 0.0, "OldestOpenSeconds": 0.0}
	if got := w.gaugeLines(t); !reflect.DeepEqual(got, map[string]map[string]any{"L1": zero, "L2": zero, "L3": zero}) {
		t.Fatalf("gauges of an empty table %v, want zeros for every tier", got)
	}
	w.Log.mu.Lock()
	w.Log.b.Reset()
	w.Log.mu.Unlock()
	w.s.unresolved = func(context.Context, string) (map[ticket.Tier]figures.Unresolved, error) {
		return nil, errors.New("table unavailable")
	}
	if _, err := w.sweep(t); err != nil {
		t.Fatalf("sweep %v, want the run to succeed without its gauges", err)
	}
	if got := w.gaugeLines(t); len(got) != 0 || !strings.Contains(w.Log.String(), "no gauges this run") {
		t.Fatalf("gauges %v, log:\n%s\nwant none and the failure logged", got, w.Log.String())
	}
	w.metricLine(t)
}
