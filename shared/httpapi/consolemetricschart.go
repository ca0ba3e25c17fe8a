package httpapi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/wire"
)

// The metrics page's charts are drawn here as numbers for the template's
// inline SVG: a line per tier for the median times, a bar per tier and
// bucket for the breaches. Each has a title and a description that say
// what it shows, and a table of the same figures for whoever cannot see
// it. Colours and dashes come from classes of the stylesheet (s-L1…), as
// the CSP allows no inline style.

// The chart's drawing area, in the units of its viewBox.
const (
	chartW, chartH                                    = 900, 200
	chartLeft, chartRight, chartTop, chartBottom      = 56, 12, 10, 26
	chartPlotW                                        = chartW - chartLeft - chartRight
	chartPlotH                                        = chartH - chartTop - chartBottom
	chartBaseline                                     = chartTop + chartPlotH
	chartBarShare                                     = 0.8 // of a bucket's width, for its bars
	chartLineKind, chartBarKind                       = "line", "bars"
	chartDurationUnit, chartCountUnit                 = "duration", "count"
	chartAcknowledge, chartResolve, chartBreachesName = "mtta", "mttr", "breaches"
)

// metricsChart is one chart and its table.
type metricsChart struct {
	ID      string // of the chart's section; its title's and description's IDs start with it
	Heading string
	Title   string
	Desc    string
	Kind    string // chartLineKind or chartBarKind
	ViewBox string
	Left    int // where the plot starts and ends, for its axes
	Right   int
	Top     int
	Base    int
	YTicks  []chartTick
	XTicks  []chartTick
	Series  []chartSeries
	Tiers   []string   // the table's columns
	Rows    []chartRow // the table's lines: one per bucket
	Caption string
}

// chartTick is a label on an axis: at Y for the value axis, X for time.
type chartTick struct {
	X, Y  string
	Label string
}

// chartSeries is one tier's line (Path and its points) or bars.
type chartSeries struct {
	Tier   string
	Path   string // "" when the tier has no value at all
	Points []chartMark
	Bars   []chartMark
}

// chartMark is a point (X, Y) or a bar (X, Y, W, H), with what it says.
type chartMark struct {
	X, Y, W, H string
	Label      string
}

// chartRow is one bucket of a chart's table.
type chartRow struct {
	Label  string
	Values []string
}

// chartValue is one tier's figure of one bucket; OK is false when there
// is none (no acknowledgement, say, to take the median of).
type chartValue struct {
	V  float64
	OK bool
}

// metricsCharts draws the charts of buckets, reports of one bucket each.
func metricsCharts(win metricsWindow, buckets []figures.Report, now time.Time) []metricsChart {
	if len(buckets) == 0 {
		return nil
	}
	unit := "day"
	if win.Bucket == time.Hour {
		unit = "hour"
	}
	var tiers []string
	views := make([]wire.Metrics, len(buckets))
	for i, b := range buckets {
		views[i] = wire.FromReport(b, now)
	}
	for _, t := range views[0].Tiers {
		tiers = append(tiers, t.Tier)
	}
	values := func(of func(wire.TierMetrics) chartValue) [][]chartValue {
		out := make([][]chartValue, len(tiers))
		for j := range tiers {
			for _, v := range views {
				out[j] = append(out[j], of(v.Tiers[j]))
			}
		}
		return out
	}
	median := func(d wire.Durations) chartValue { return chartValue{d.P50Seconds, d.Count > 0} }
	tta := values(func(t wire.TierMetrics) chartValue { return median(t.TimeToAcknowledge) })
	ttr := values(func(t wire.TierMetrics) chartValue { return median(t.TimeToResolve) })
	breaches := values(func(t wire.TierMetrics) chartValue {
		return chartValue{float64(t.AcknowledgeBreaches + t.ResolveBreaches), true}
	})
	return []metricsChart{
		drawChart(chartAcknowledge, "Time to acknowledge (MTTA)", "Median time to acknowledge (MTTA) per "+unit+", by tier",
			"acknowledgements", chartLineKind, chartDurationUnit, win, buckets, tiers, tta),
		drawChart(chartResolve, "Time to resolve (MTTR)", "Median time to resolve (MTTR) per "+unit+", by tier",
			"resolutions", chartLineKind, chartDurationUnit, win, buckets, tiers, ttr),
		drawChart(chartBreachesName, "Breaches", "Deadlines missed (acknowledge and resolve) per "+unit+", by tier",
			"breaches", chartBarKind, chartCountUnit, win, buckets, tiers, breaches),
	}
}

// drawChart lays out one chart of values[tier][bucket].
func drawChart(id, heading, title, what, kind, unit string, win metricsWindow, buckets []figures.Report, tiers []string, values [][]chartValue) metricsChart {
	c := metricsChart{ID: "chart-" + id, Heading: heading, Title: title, Kind: kind, Tiers: tiers,
		ViewBox: fmt.Sprintf("0 0 %d %d", chartW, chartH), Left: chartLeft, Right: chartW - chartRight, Top: chartTop, Base: chartBaseline}
	top := 0.0
	for _, vs := range values {
		for _, v := range vs {
			if v.OK && v.V > top {
				top = v.V
			}
		}
	}
	say := func(v float64) string { return strconv.Itoa(int(v)) }
	if unit == chartDurationUnit {
		top = niceDuration(top)
		say = seconds
	} else {
		top = niceCount(top)
	}
	for _, f := range []float64{0, 0.5, 1} {
		if unit == chartCountUnit && top < 2 && f == 0.5 {
			continue
		}
		c.YTicks = append(c.YTicks, chartTick{Y: coord(yOf(f*top, top)), Label: say(f * top)})
	}
	n := len(buckets)
	step := float64(chartPlotW) / float64(n)
	every := max(1, n/6)
	if n == 7 {
		every = 1
	}
	for i, b := range buckets {
		if i%every == 0 {
			c.XTicks = append(c.XTicks, chartTick{X: coord(chartLeft + (float64(i)+0.5)*step), Label: bucketTick(b.Since, win)})
		}
	}
	var desc []string
	for j, tier := range tiers {
		s := chartSeries{Tier: tier}
		var path strings.Builder
		pen, seen, most, at := false, 0, 0.0, ""
		for i, v := range values[j] {
			if !v.OK {
				pen = false
				continue
			}
			label := tier + ", " + bucketLabel(buckets[i], win) + ": " + say(v.V)
			if kind == chartLineKind {
				x, y := coord(chartLeft+(float64(i)+0.5)*step), coord(yOf(v.V, top))
				if pen {
					path.WriteString("L" + x + " " + y)
				} else {
					path.WriteString("M" + x + " " + y)
				}
				pen = true
				s.Points = append(s.Points, chartMark{X: x, Y: y, Label: label})
			} else if v.V > 0 {
				w := step * chartBarShare / float64(len(tiers))
				x := chartLeft + float64(i)*step + step*(1-chartBarShare)/2 + float64(j)*w
				y := yOf(v.V, top)
				s.Bars = append(s.Bars, chartMark{X: coord(x), Y: coord(y), W: coord(w), H: coord(chartBaseline - y), Label: label})
			}
			if kind == chartLineKind || v.V > 0 {
				seen++
			}
			if v.V > most || at == "" {
				most, at = v.V, bucketLabel(buckets[i], win)
			}
		}
		s.Path = path.String()
		c.Series = append(c.Series, s)
		switch {
		case kind == chartBarKind:
			total := 0.0
			for _, v := range values[j] {
				total += v.V
			}
			if total == 0 {
				desc = append(desc, tier+": none")
			} else {
				desc = append(desc, fmt.Sprintf("%s: %s in %d %s, most %s in %s", tier, say(total), seen, plural(seen, unitOf(win)), say(most), at))
			}
		case seen == 0:
			desc = append(desc, tier+": no "+what)
		default:
			desc = append(desc, fmt.Sprintf("%s: %d %s with %s, highest %s in %s", tier, seen, plural(seen, unitOf(win)), what, say(most), at))
		}
	}
	c.Desc = strings.Join(desc, "; ") + "."
	for i, b := range buckets {
		row := chartRow{Label: bucketLabel(b, win)}
		for j := range tiers {
			v := values[j][i]
			if v.OK {
				row.Values = append(row.Values, say(v.V))
			} else {
				row.Values = append(row.Values, "–")
			}
		}
		c.Rows = append(c.Rows, row)
	}
	c.Caption = title + " (UTC)"
	return c
}

// yOf is where value v is drawn on a scale from 0 to top.
func yOf(v, top float64) float64 {
	if top <= 0 {
		return chartBaseline
	}
	return chartBaseline - v/top*chartPlotH
}

// coord is a coordinate to a tenth of a unit, as short as it goes.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// niceDuration is the top of a scale of seconds that holds s.
func niceDuration(s float64) float64 {
	for _, top := range []float64{10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600} {
		if s <= top {
			return top
		}
	}
	top := 2 * 24 * 3600.0
	for top < s {
		top *= 2
	}
	return top
}

// niceCount is the top of a scale of counts that holds n: 1, 2, 4, 6, 8,
// 10, 20, 40…, whose half is whole from 2 on.
func niceCount(n float64) float64 {
	for scale := 1.0; ; scale *= 10 {
		for _, m := range []float64{1, 2, 4, 6, 8} {
			if n <= m*scale {
				return m * scale
			}
		}
	}
}

// bucketTick is the short label of the bucket from since.
func bucketTick(since time.Time, win metricsWindow) string {
	if win.Bucket == time.Hour {
		return since.UTC().Format("15:04")
	}
	return since.UTC().Format("2 Jan")
}

// bucketLabel says which hours the bucket b counted.
func bucketLabel(b figures.Report, win metricsWindow) string {
	if win.Bucket == time.Hour {
		return b.Since.UTC().Format("2 Jan 15:04") + "–" + b.Until.UTC().Format("15:04")
	}
	if b.Until.Sub(b.Since) < 24*time.Hour {
		return b.Since.UTC().Format("2 Jan") + " (to " + b.Until.UTC().Format("15:04") + ")"
	}
	return b.Since.UTC().Format("Mon 2 Jan")
}

func unitOf(win metricsWindow) string {
	if win.Bucket == time.Hour {
		return "hour"
	}
	return "day"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
