package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// dashboardFile is the Grafana dashboard shipped for tierline serve.
const dashboardFile = "../../infra/grafana/tierline.json"

type dashboard struct {
	Templating struct {
		List []struct{ Name, Type, Query string }
	}
	Panels []struct {
		Title      string
		Datasource struct{ UID string }
		Targets    []struct{ Expr string }
	}
}

// series is a metric name with its label matchers, as a PromQL
// expression spells it: tierline_x_total{move="entered"}.
var series = regexp.MustCompile(`\b(tierline_[a-z_]+)(\{([^}]*)\})?`)
var matcher = regexp.MustCompile(`([a-z_]+)\s*=\s*"([^"]*)"`)

// Ensure every query of the Grafana dashboard names a series the real
// program exposes, with label values it exposes, and that the dashboard
// reads a Prometheus data source chosen by a variable.
func TestDashboardQueriesExposedSeries(t *testing.T) {
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s is not JSON: %v", dashboardFile, err)
	}
	if len(d.Templating.List) == 0 || d.Templating.List[0].Type != "datasource" || d.Templating.List[0].Query != "prometheus" {
		t.Fatalf("the dashboard has no Prometheus data source variable: %+v", d.Templating.List)
	}
	rcv := newReceiver(t)
	m := MustRunMain(t, testConfig(rcv.URL), t.TempDir())
	a := api{t, m.URL}
	a.hook(`{"title":"Disk full","severity":"warning","dedup_key":"disk"}`)
	families := scrape(t, m.URL, "")
	queries := 0
	for _, p := range d.Panels {
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q does not read the datasource variable", p.Title)
		}
		for _, target := range p.Targets {
			found := series.FindAllStringSubmatch(target.Expr, -1)
			if len(found) == 0 {
				t.Errorf("panel %q: %q names no tierline series", p.Title, target.Expr)
			}
			for _, s := range found {
				queries++
				name := s[1]
				family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
				var labels []string
				for _, kv := range matcher.FindAllStringSubmatch(s[3], -1) {
					labels = append(labels, kv[1]+"="+kv[2])
				}
				if families[family] == nil {
					t.Errorf("panel %q: %s is not exposed", p.Title, name)
				} else if len(labels) > 0 && !hasLabels(families[family].GetMetric(), labels) {
					t.Errorf("panel %q: no series of %s has %v", p.Title, name, labels)
				}
			}
		}
	}
	if queries < 8 {
		t.Errorf("the dashboard queries %d series, want every figure", queries)
	}
}
