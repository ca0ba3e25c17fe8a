package functions_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// emitted is every metric of namespace tierline the functions log in the
// embedded metric format: the file that logs it and its dimensions.
var emitted = map[string]struct {
	file string
	dims []string
}{
	"Suspects":            {"sweep/handler.go", []string{"Stage"}},
	"Repairs":             {"sweep/handler.go", []string{"Stage"}},
	"StepsRun":            {"sweep/handler.go", []string{"Stage"}},
	"TimersRestarted":     {"sweep/handler.go", []string{"Stage"}},
	"HandOffsResent":      {"sweep/handler.go", []string{"Stage"}},
	"RepairsFailed":       {"sweep/handler.go", []string{"Stage"}},
	"Open":                {"sweep/handler.go", []string{"Stage", "Tier"}},
	"Acknowledged":        {"sweep/handler.go", []string{"Stage", "Tier"}},
	"OldestOpenSeconds":   {"sweep/handler.go", []string{"Stage", "Tier"}},
	"Entered":             {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"Resolved":            {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"Escalated":           {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"Reopened":            {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"AcknowledgeBreaches": {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"ResolveBreaches":     {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"TimeToAcknowledge":   {"dispatch/figures.go", []string{"Stage", "Tier"}},
	"TimeToResolve":       {"dispatch/figures.go", []string{"Stage", "Tier"}},
}

// tierWidgets is what the dashboard must draw of each tier: a metric and
// the statistics of it.
var tierWidgets = map[string][]string{
	"Entered": {"Sum"}, "Resolved": {"Sum"}, "Escalated": {"Sum"}, "Reopened": {"Sum"},
	"AcknowledgeBreaches": {"Sum"}, "ResolveBreaches": {"Sum"},
	"TimeToAcknowledge": {"p50", "p90"}, "TimeToResolve": {"p50", "p90"},
	"Open": {"Maximum"}, "Acknowledged": {"Maximum"}, "OldestOpenSeconds": {"Maximum"},
}

// drawnMetric is one line of a dashboard widget of namespace tierline.
type drawnMetric struct {
	name, stat string
	dims       map[string]string
	keys       []string
}

// tierlineMetrics returns the lines the dashboard draws from namespace
// tierline, each with the statistic it draws (its own or its widget's).
func tierlineMetrics(t *testing.T, c checker) []drawnMetric {
	t.Helper()
	text, err := c.tpl.Resolve(c.tpl.Resources["Dashboard"].Properties["DashboardBody"])
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Widgets []struct {
			Properties struct {
				Stat    string  `json:"stat"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(text), &body); err != nil {
		t.Fatalf("DashboardBody is not JSON once resolved: %v", err)
	}
	var out []drawnMetric
	for _, w := range body.Widgets {
		for _, row := range w.Properties.Metrics {
			if len(row) < 2 || row[0] != "tierline" {
				continue
			}
			m := drawnMetric{stat: w.Properties.Stat, dims: map[string]string{}}
			m.name, _ = row[1].(string)
			for i := 2; i < len(row); i++ {
				if opts, ok := row[i].(map[string]any); ok {
					if s, ok := opts["stat"].(string); ok {
						m.stat = s
					}
					continue
				}
				if i+1 < len(row) {
					k, _ := row[i].(string)
					m.dims[k], _ = row[i+1].(string)
					m.keys = append(m.keys, k)
					i++
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// Ensure every metric the dashboard draws from namespace tierline is one
// a function logs, with the dimensions it logs it under and this stack's
// Stage, and that the dashboard draws each tier's figures: moves and
// breaches summed, p50 and p90 of the times to acknowledge and resolve,
// and the gauges of the unresolved tickets.
func TestDashboardDrawsEmittedFigures(t *testing.T) {
	c := load(t, templateText(t))
	stage, err := c.tpl.Resolve(map[string]any{"Ref": "Stage"})
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range emitted {
		b, err := os.ReadFile(filepath.Join(c.root, "functions", e.file))
		if err != nil || !strings.Contains(string(b), `"`+name+`"`) {
			t.Errorf("%s does not name metric %s (%v)", e.file, name, err)
		}
	}
	drawn := map[string]bool{} // name tier stat
	for _, m := range tierlineMetrics(t, c) {
		e, ok := emitted[m.name]
		switch {
		case !ok:
			t.Errorf("the dashboard draws tierline/%s, which no function logs", m.name)
			continue
		case !slices.Equal(m.keys, e.dims):
			t.Errorf("the dashboard draws tierline/%s by %v, want %v", m.name, m.keys, e.dims)
		case m.dims["Stage"] != stage:
			t.Errorf("the dashboard draws tierline/%s of Stage %q, want %q", m.name, m.dims["Stage"], stage)
		}
		if tier, ok := m.dims["Tier"]; ok && !slices.Contains([]string{"L1", "L2", "L3"}, tier) {
			t.Errorf("the dashboard draws tierline/%s of Tier %q", m.name, tier)
		}
		drawn[m.name+" "+m.dims["Tier"]+" "+m.stat] = true
	}
	for name, stats := range tierWidgets {
		for _, tier := range []string{"L1", "L2", "L3"} {
			for _, stat := range stats {
				if !drawn[name+" "+tier+" "+stat] {
					t.Errorf("the dashboard does not draw the %s of tierline/%s at %s", stat, name, tier)
				}
			}
		}
	}
}
