package httpapi

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// Ensure no window of the metrics page asks the desk for more than
// maxMetricsCalls reports: one for the window, one per bucket.
func TestMetricsWindowsBounded(t *testing.T) {
	for _, now := range []time.Time{time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 23, 59, 59, 0, time.UTC)} {
		for _, w := range metricsWindows {
			since, until := w.bounds(now)
			buckets := metricsBuckets(since, until, w.Bucket)
			if n := 1 + len(buckets); n > maxMetricsCalls {
				t.Errorf("%s at %s: %d calls, more than %d", w.Name, now, n, maxMetricsCalls)
			}
			if want := int(w.Span / w.Bucket); len(buckets) != want || !buckets[len(buckets)-1][1].Equal(until) || until.Sub(now) > time.Hour {
				t.Errorf("%s at %s: %d buckets to %s, want %d to the end of the current hour", w.Name, now, len(buckets), until, want)
			}
		}
	}
	if w, ok := findWindow(""); !ok || w.Name != "7d" {
		t.Errorf("the default window is %q, want 7d", w.Name)
	}
}

// Ensure the charts' scales hold their top value and read as round numbers.
func TestMetricsScales(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 1: 1, 3: 4, 9: 10, 11: 20, 55: 60, 801: 1000} {
		if got := niceCount(in); got != want {
			t.Errorf("niceCount(%v) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[float64]float64{0: 10, 45: 60, 299: 300, 3601: 7200, 86401: 2 * 86400, 5 * 86400: 8 * 86400} {
		if got := niceDuration(in); got != want {
			t.Errorf("niceDuration(%v) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[float64]string{0.4: "0s", 59.6: "1m", 298: "5m", 3599: "1h", 5400: "1h 30m", 2*86400 + 1800: "2d 1h"} {
		if got := seconds(in); got != want {
			t.Errorf("seconds(%v) = %q, want %q", in, got, want)
		}
	}
}

// Ensure the page of the busiest 30 days stays under 100 KB: every tier
// with a figure in every day's chart, and ten recurring keys with titles
// of the longest kind, all markup.
func TestMetricsPageSizeBound(t *testing.T) {
	win, _ := findWindow("30d")
	now := time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)
	since, until := win.bounds(now)
	var buckets []figures.Report
	for i, b := range metricsBuckets(since, until, win.Bucket) {
		r := figures.Report{Since: b[0], Until: b[1]}
		for _, tier := range ticket.Tiers {
			p := figures.Part{Key: figures.Key{Tier: tier}}
			p.Entered, p.AcknowledgeBreaches, p.ResolveBreaches = 100+i, 3*i, i
			p.Acknowledge, p.Resolve = figures.Hist{}, figures.Hist{}
			p.Acknowledge.Add(time.Duration(i+1) * 97 * time.Second)
			p.Resolve.Add(time.Duration(i+1) * 3 * time.Hour)
			r.Tiers = append(r.Tiers, figures.Tier{Part: p, Now: figures.Unresolved{Open: 5, Oldest: since}})
		}
		buckets = append(buckets, r)
	}
	v := metricsView{consolePage: consolePage{Title: "Support metrics", Home: "https://tierline.example.com/console", Who: "ops", CSRF: strings.Repeat("c", 64)}}
	v.Window, v.Windows, v.Tiers = win, windowOptions(win.Name), tierOptions("")
	m := wire.FromReport(buckets[len(buckets)-1], now)
	v.Rows, v.Flow, v.Charts = metricsRows(m), escalationFlow(m), metricsCharts(win, buckets, now)
	for i := range 10 {
		v.Recurring = append(v.Recurring, recurringRow{Integration: strings.Repeat("i", 64), Key: clip(strings.Repeat("<k>", 170)),
			Title: clip(strings.Repeat("<&>", 340) + strconv.Itoa(i)), Tickets: 99, Occurrences: 999, LastSeen: now, Ago: "1m ago",
			Problem: "d27bj6et55vmq4", ProblemURL: v.Home + "/tickets/d27bj6et55vmq4"})
	}
	if got := clip(strings.Repeat("é", 200)); got != strings.Repeat("é", recurringClip)+"…" || clip("short") != "short" {
		t.Errorf("clip cut %q", got)
	}
	var buf bytes.Buffer
	if err := metricsTemplate.ExecuteTemplate(&buf, "layout", v); err != nil {
		t.Fatal(err)
	}
	if n := buf.Len(); n >= 100<<10 {
		t.Errorf("the busiest 30 days' page is %d bytes, want under 100 KB", n)
	} else {
		t.Logf("the busiest 30 days' page: %d bytes", n)
	}
	if strings.Contains(buf.String(), "<k>") || strings.Contains(buf.String(), " style=") {
		t.Error("the page has unescaped data or an inline style")
	}
}
