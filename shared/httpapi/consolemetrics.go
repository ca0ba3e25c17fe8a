package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// The metrics page shows GET /v1/metrics to people: each tier's figures
// over a window (the last 24 hours, 7 days or 30 days), charts of its
// median times and breaches over that window, the escalation flow from
// L1 up, and the keys that keep coming back. The charts are inline SVG
// drawn here, styled by the console's stylesheet through classes, with a
// table of the same figures beside each: no script, no inline style, so
// the console's CSP holds unchanged.

var metricsTemplate = consoleTemplate("console/metrics.html")

// metricsWindow is a window the page offers, and the buckets its charts
// cut it into.
type metricsWindow struct {
	Name   string // the query's value
	Label  string
	Span   time.Duration
	Bucket time.Duration
}

// metricsWindows are the windows the page offers; the first default is 7d.
var metricsWindows = []metricsWindow{
	{"24h", "Last 24 hours", 24 * time.Hour, time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour, 24 * time.Hour},
	{"30d", "Last 30 days", 30 * 24 * time.Hour, 24 * time.Hour},
}

const defaultMetricsWindow = "7d"

// maxMetricsCalls bounds the reports of one page: one for the whole
// window (the table, the flow and the recurring list) and one per bucket
// of the charts, at most 30 (the days of the longest window), all of them
// from one read of the rollups (desk.Series).
const maxMetricsCalls = 31

// metricsView is the data of the metrics page.
type metricsView struct {
	consolePage
	Window     metricsWindow
	Tier       string // "" for every tier
	Windows    []option
	Tiers      []option
	Since      string // the window's bounds, for people
	Until      string
	SinceISO   string
	UntilISO   string
	BucketName string // "hour" or "day"
	Rows       []metricsRow
	Flow       []flowStep
	Charts     []metricsChart
	Recurring  []recurringRow
}

// metricsRow is one tier's line of the table.
type metricsRow struct {
	Tier                               string
	Entered, Resolved, Escalated       int
	Reopened, AckBreaches, ResBreaches int
	FCR, TTA, TTR                      string // "–" when there is none
	Open, Acknowledged                 int
	Oldest                             string // the oldest unresolved ticket's age
}

// flowStep is one tier of the escalation flow: what entered it, and
// what it handed on to the next (Last: none above it in the report).
type flowStep struct {
	Tier      string
	Entered   int
	Escalated int
	Share     string // escalated / entered, "" when nothing entered
	Last      bool
}

// recurringRow is one key of the recurring list.
type recurringRow struct {
	Integration string
	Key         string // the dedup key, or a form's "category: subject"
	Title       string
	Tickets     int
	Occurrences int
	LastSeen    time.Time
	Ago         string
	Problem     string // the problem record's ticket ID, or ""
	ProblemURL  string
}

// LastSeenExact is when the key was last seen, for people.
func (r recurringRow) LastSeenExact() string { return exactTime(r.LastSeen) }

// LastSeenISO is when the key was last seen, for <time datetime>.
func (r recurringRow) LastSeenISO() string { return r.LastSeen.UTC().Format(time.RFC3339) }

// consoleMetrics answers GET /console/metrics?since=24h|7d|30d&tier=.
//
// It calls desk.Metrics once for the whole window and once per bucket of
// the charts (an hour of the last 24 hours, a UTC day of the last 7 or 30
// days, today's so far included): at most maxMetricsCalls (31) calls,
// metricsParallel at a time.
// A value of the query it cannot read is said on the page (422), which
// shows the default in its place.
func (c *console) consoleMetrics(w http.ResponseWriter, r *http.Request, sess session) {
	v := metricsView{consolePage: c.newPage(r, sess, "Support metrics")}
	v.Queue = "metrics"
	status := http.StatusOK
	q := r.URL.Query()
	win, ok := findWindow(q.Get("since"))
	if !ok {
		status, v.Problem = http.StatusUnprocessableEntity, fmt.Sprintf("since %q: want 24h, 7d or 30d", q.Get("since"))
	}
	var f figures.Filter
	if raw := q.Get("tier"); raw != "" {
		tier, err := ticket.ParseTier(raw)
		if err != nil {
			status, v.Problem = http.StatusUnprocessableEntity, ticket.ErrorMessage(err)
		} else {
			f.Tier = tier
			v.Tier = tier.String()
		}
	}
	v.Window = win
	v.Windows, v.Tiers = windowOptions(win.Name), tierOptions(v.Tier)

	now := c.now().UTC()
	from, until := win.bounds(now)
	total, buckets, err := c.readMetrics(r.Context(), from, until, win.Bucket, f)
	if err != nil {
		c.failPage(w, r, sess, err)
		return
	}
	v.Since, v.Until = exactHour(total.Since), exactHour(total.Until)
	v.SinceISO, v.UntilISO = total.Since.Format(time.RFC3339), total.Until.Format(time.RFC3339)
	v.BucketName = "day"
	if win.Bucket == time.Hour {
		v.BucketName = "hour"
	}
	m := wire.FromReport(total, now)
	v.Rows, v.Flow = metricsRows(m), escalationFlow(m)
	v.Charts = metricsCharts(win, buckets, now)
	for _, k := range m.Recurring {
		row := recurringRow{Integration: k.Integration, Key: clip(k.DedupKey), Title: clip(k.Title), Tickets: k.Tickets,
			Occurrences: k.Occurrences, LastSeen: k.LastSeen, Ago: since(k.LastSeen, now), Problem: k.ProblemID}
		if k.DedupKey == "" {
			row.Key = clip(k.Category + ": " + k.Subject)
		}
		if k.ProblemID != "" {
			row.ProblemURL = v.Home + "/tickets/" + k.ProblemID
		}
		v.Recurring = append(v.Recurring, row)
	}
	c.render(w, status, metricsTemplate, v)
}

// bounds is the window as of now, in whole hours up to the end of the
// current one: the last 24 hours, or today and the days before it (UTC),
// so that each of the charts' days is a day of the calendar.
func (w metricsWindow) bounds(now time.Time) (since, until time.Time) {
	until = figures.Hour(now).Add(time.Hour)
	if w.Bucket == time.Hour {
		return until.Add(-w.Span), until
	}
	today := now.UTC().Truncate(24 * time.Hour)
	return today.Add(w.Bucket - w.Span), until
}

// recurringClip is how many characters of a recurring key's title and key
// the page shows: a title may be 1 KiB, and ten of them escaped would be
// half of the page's 100 KB. The ticket's page shows it whole.
const recurringClip = 160

// clip is s cut to recurringClip characters, ending with "…" if cut.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == recurringClip {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// findWindow is the window named name, or the default (and false) for a
// name the page does not offer; "" is the default.
func findWindow(name string) (metricsWindow, bool) {
	for _, w := range metricsWindows {
		if w.Name == name || (name == "" && w.Name == defaultMetricsWindow) {
			return w, true
		}
	}
	w, _ := findWindow("")
	return w, false
}

// metricsBuckets cuts since to until into buckets of size each, the last
// one cut short at until.
func metricsBuckets(since, until time.Time, size time.Duration) [][2]time.Time {
	var out [][2]time.Time
	for at := since; at.Before(until); at = at.Add(size) {
		end := at.Add(size)
		if end.After(until) {
			end = until
		}
		out = append(out, [2]time.Time{at, end})
	}
	return out
}

// readMetrics reads the report of the whole window and one of each
// bucket, in order, from one desk.Series (one read of the rollups);
// maxMetricsCalls bounds the reports a page draws.
func (c *console) readMetrics(ctx context.Context, since, until time.Time, size time.Duration, f figures.Filter) (figures.Report, []figures.Report, error) {
	spans := metricsBuckets(since, until, size)
	if 1+len(spans) > maxMetricsCalls {
		return figures.Report{}, nil, ticket.Errorf(ticket.Internal, "a metrics page of %d reports: more than %d", 1+len(spans), maxMetricsCalls)
	}
	return c.desk.Series(ctx, since, until, spans, f)
}

func metricsRows(m wire.Metrics) []metricsRow {
	var out []metricsRow
	for _, t := range m.Tiers {
		row := metricsRow{Tier: t.Tier, Entered: t.Entered, Resolved: t.Resolved, Escalated: t.Escalated,
			Reopened: t.Reopened, AckBreaches: t.AcknowledgeBreaches, ResBreaches: t.ResolveBreaches,
			Open: t.Open, Acknowledged: t.Acknowledged, FCR: "–", TTA: "–", TTR: "–", Oldest: "–"}
		if t.Entered > 0 {
			row.FCR = percent(t.Resolved, t.Entered)
		}
		if d := t.TimeToAcknowledge; d.Count > 0 {
			row.TTA = seconds(d.P50Seconds) + " / " + seconds(d.P90Seconds)
		}
		if d := t.TimeToResolve; d.Count > 0 {
			row.TTR = seconds(d.P50Seconds) + " / " + seconds(d.P90Seconds)
		}
		if t.Open+t.Acknowledged > 0 {
			row.Oldest = span(time.Duration(t.OldestOpenSeconds) * time.Second) // exact: down, as the console says ages
		}
		out = append(out, row)
	}
	return out
}

// escalationFlow is the tiers of m in order, each with what it handed on.
func escalationFlow(m wire.Metrics) []flowStep {
	var out []flowStep
	for i, t := range m.Tiers {
		s := flowStep{Tier: t.Tier, Entered: t.Entered, Escalated: t.Escalated, Last: i == len(m.Tiers)-1}
		if t.Entered > 0 {
			s.Share = percent(t.Escalated, t.Entered)
		}
		out = append(out, s)
	}
	return out
}

// percent is n/of, rounded to a whole percent.
func percent(n, of int) string {
	return strconv.Itoa(int(float64(n)*100/float64(of)+0.5)) + "%"
}

// seconds is a number of seconds as span says it, rounded (not down) to
// the last unit it shows: a percentile read from a histogram is only
// within 5% anyway, and 4m 58s reads better as 5m than as 4m.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < time.Minute:
		d = d.Round(time.Second)
	case d < 24*time.Hour:
		d = d.Round(time.Minute)
	default:
		d = d.Round(time.Hour)
	}
	return span(d)
}

func exactHour(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 MST") }

func windowOptions(name string) []option {
	var out []option
	for _, w := range metricsWindows {
		out = append(out, option{w.Name, w.Label, w.Name == name})
	}
	return out
}

func tierOptions(tier string) []option {
	out := []option{{"", "Every tier", tier == ""}}
	for _, t := range ticket.Tiers {
		out = append(out, option{t.String(), t.String(), t.String() == tier})
	}
	return out
}
