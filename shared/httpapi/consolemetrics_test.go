package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/ticket"
)

// metricsConfig is consoleConfig with problem records: a key's second
// ticket within 7 days opens its problem at L2.
const metricsConfig = consoleConfig + "problems: {after: 2, within: 7d, tier: L2, priority: P3}\n"

// flapTitle is the title of the flapping alert, markup and all.
const flapTitle = `<script>alert(1)</script> Link flapping`

// metricsStory is what mustMetricsStory left behind.
type metricsStory struct {
	problem string // the flapping key's problem record
}

// mustMetricsStory tells a known history, two days apart. On the first
// day at L1: "disk" is acknowledged after 5m and resolved; "cpu" is
// escalated to L2 by hand and acknowledged there after 2m; the flapping
// alert is resolved by its source and fires again, twice (its second
// ticket opens its problem at L2, the third is left open); "queue" misses
// its acknowledge deadline and the escalation step moves it to L2. Two
// days later "printer" is acknowledged after 30m and left so.
func mustMetricsStory(tb testing.TB, a *API) metricsStory {
	tb.Helper()
	hook := func(fields map[string]string) string {
		body, _ := json.Marshal(fields)
		return a.MustHook(tb, string(body))[0].TicketID
	}
	disk := hook(map[string]string{"title": "Disk full on db-1", "dedup_key": "disk"})
	a.Clock.Add(5 * time.Minute)
	a.MustAct(tb, disk, "acknowledge", "")
	a.Clock.Add(10 * time.Minute)
	a.MustAct(tb, disk, "resolve", `{"resolution": "rotated the logs"}`)

	cpu := hook(map[string]string{"title": "CPU high on web-2", "dedup_key": "cpu"})
	a.MustAct(tb, cpu, "escalate", `{"note": "restarted it, still hot"}`)
	a.Clock.Add(2 * time.Minute)
	a.MustAct(tb, cpu, "acknowledge", "")

	for i := range 3 {
		hook(map[string]string{"title": flapTitle, "dedup_key": "flap"})
		if i < 2 {
			hook(map[string]string{"dedup_key": "flap", "action": "resolve"})
		}
	}

	queue := hook(map[string]string{"title": "Queue stuck", "dedup_key": "queue"})
	a.Clock.Add(16 * time.Minute) // L1's 15m to acknowledge
	mustStep(tb, a, queue)

	a.Clock.Add(48 * time.Hour)
	printer := hook(map[string]string{"title": "Printer jam", "dedup_key": "printer"})
	a.Clock.Add(30 * time.Minute)
	a.MustAct(tb, printer, "acknowledge", "")

	problems := a.MustList(tb, "/v1/tickets?kind=problem")
	if len(problems) != 1 || problems[0].Tier != "L2" {
		tb.Fatalf("problems %+v, want the flapping key's at L2", problems)
	}
	return metricsStory{problem: problems[0].ID}
}

// mustStep runs ticket id's escalation step now, as its timer would in
// tierline serve: a desk of its own on the same database and clock.
func mustStep(tb testing.TB, a *API, id string) {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.New(ctx, a.DB)
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := policy.Parse("test.yaml", []byte(metricsConfig))
	if err != nil {
		tb.Fatal(err)
	}
	d := &desk.Service{Store: st, Config: cfg, Now: a.Clock.Now, Log: slog.New(slog.DiscardHandler)}
	t, err := st.Get(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	due, ok := t.StepDue()
	if !ok {
		tb.Fatalf("ticket %s has no step due", id)
	}
	if _, _, err := d.Advance(ctx, ticket.Wake{TicketID: id, Clock: t.Clock, At: due}); err != nil {
		tb.Fatal(err)
	}
	if got := a.MustGet(tb, id); got.Tier != "L2" {
		tb.Fatalf("after its step, ticket %s is at %s, want L2", id, got.Tier)
	}
}

var (
	tagRE    = regexp.MustCompile(`<[^>]+>`)
	seriesRE = regexp.MustCompile(`<g class="series s-(L\d)"`)
)

// plain is markup as text: tags stripped, blanks as one space.
func plain(s string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(s, " ")), " ")
}

// section is the markup of the element with id, to its closing tag.
func section(tb testing.TB, p Page, tag, id string) string {
	tb.Helper()
	m := regexp.MustCompile(`(?s)<` + tag + `[^>]* id="` + regexp.QuoteMeta(id) + `"[^>]*>.*?</` + tag + `>`).FindString(p.Body)
	if m == "" {
		tb.Fatalf("the page has no <%s id=%q>: %s", tag, id, p.Body)
	}
	return m
}

// Ensure the metrics page tells a known history: each tier's figures in
// the table, one series per tier in each chart (a point per day with an
// acknowledgement), the escalation flow, and the recurring key with its
// problem's link and its title escaped; and that it stays small.
func TestConsoleMetricsTellTheHistory(t *testing.T) {
	b := NewBrowser(t, MustOpenAPIWith(t, metricsConfig, httpapi.Options{}))
	s := mustMetricsStory(t, b.API)
	b.MustSignIn(apiKey)
	p := b.MustPage("/console/metrics")

	for tier, want := range map[string]string{
		// tier entered resolved FCR escalated reopened ack-breaches res-breaches TTA TTR open acked oldest
		"L1": "L1 7 3 43% 2 0 1 0 5m / 30m 1s / 15m 1 1 2d",
		"L2": "L2 3 0 0% 0 0 0 0 2m / 2m – 2 1 2d",
		"L3": "L3 0 0 – 0 0 0 0 – – 0 0 –",
	} {
		if got := plain(section(t, p, "tr", "tier-"+tier)); got != want {
			t.Errorf("%s row: %q, want %q", tier, got, want)
		}
	}
	if got, want := plain(section(t, p, "p", "flow")), "L1 entered 7 → escalated 2 (29%) → L2 entered 3 → escalated 0 (0%) → L3 entered 0"; got != want {
		t.Errorf("flow %q, want %q", got, want)
	}

	for _, id := range []string{"chart-mtta", "chart-mttr", "chart-breaches"} {
		chart := section(t, p, "section", id)
		var tiers []string
		for _, m := range seriesRE.FindAllStringSubmatch(chart, -1) {
			tiers = append(tiers, m[1])
		}
		if strings.Join(tiers, ",") != "L1,L2,L3" {
			t.Errorf("%s: series %v, want one per tier", id, tiers)
		}
		if !strings.Contains(chart, `role="img" aria-labelledby="`+id+`-title `+id+`-desc"`) || !strings.Contains(chart, `<title id="`+id+`-title">`) ||
			!strings.Contains(chart, `<desc id="`+id+`-desc">`) || strings.Count(chart, `<tr><th scope="row">`) != 7 {
			t.Errorf("%s: want a titled, described SVG and a table of its 7 days: %s", id, chart)
		}
	}
	mtta := section(t, p, "section", "chart-mtta")
	l1 := regexp.MustCompile(`(?s)<g class="series s-L1".*?</g>`).FindString(mtta)
	if n := strings.Count(l1, "<circle"); n != 2 {
		t.Errorf("MTTA's L1 series has %d points, want 2 (the two days with an acknowledgement): %s", n, l1)
	}
	if !strings.Contains(plain(mtta), "L1: 2 days with acknowledgements, highest 30m") {
		t.Errorf("MTTA's description: %s", plain(mtta))
	}
	if !strings.Contains(plain(section(t, p, "section", "chart-breaches")), "L1: 1 in 1 day, most 1") {
		t.Errorf("breaches' description: %s", plain(section(t, p, "section", "chart-breaches")))
	}

	recurring := section(t, p, "table", "recurring")
	row := regexp.MustCompile(`(?s)<tbody>\s*<tr>(.*?)</tr>`).FindStringSubmatch(recurring)
	if row == nil || strings.Count(recurring, "<tr>") != 2 {
		t.Fatalf("recurring: want one key: %s", recurring)
	}
	if got, want := plain(row[1]), "&lt;script&gt;alert(1)&lt;/script&gt; Link flapping monitor flap 3 3 2d ago problem record "+s.problem; got != want {
		t.Errorf("recurring row %q, want %q", got, want)
	}
	if !strings.Contains(row[1], `<a href="`+b.URL+`/console/tickets/`+s.problem+`">`) {
		t.Errorf("the recurring row does not link its problem %s: %s", s.problem, row[1])
	}
	b.MustPage("/console/tickets/" + s.problem)
	if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, " style=") {
		t.Error("the page has a script or an inline style, which the CSP would refuse")
	}
	if !strings.Contains(p.Body, `<a href="`+b.URL+`/console/metrics" aria-current="page">Metrics</a>`) {
		t.Error("the navigation does not mark Metrics as the page")
	}
	if !strings.Contains(b.MustPage("/console/queue/L1").Body, `<a href="`+b.URL+`/console/metrics">Metrics</a>`) {
		t.Error("a queue page does not link the metrics")
	}
}

// Ensure the page keeps to one tier when told, cuts the last 24 hours
// into hours, and stays under 100 KB over 30 days.
func TestConsoleMetricsWindows(t *testing.T) {
	b := NewBrowser(t, MustOpenAPIWith(t, metricsConfig, httpapi.Options{}))
	mustMetricsStory(t, b.API)
	b.MustSignIn(apiKey)

	p := b.MustPage("/console/metrics?tier=L2&since=30d")
	if got := seriesRE.FindAllStringSubmatch(p.Body, -1); len(got) != 3 || got[0][1] != "L2" {
		t.Errorf("tier=L2: series %v, want L2's alone in each of the three charts", got)
	}
	if strings.Contains(p.Body, `id="tier-L1"`) || !strings.Contains(p.Body, `id="tier-L2"`) ||
		!strings.Contains(p.Body, `<option value="L2" selected>`) || !strings.Contains(p.Body, `<option value="30d" selected>`) {
		t.Error("tier=L2&since=30d: want L2's row alone and the choices shown")
	}

	day := b.MustPage("/console/metrics?since=24h")
	if n := strings.Count(section(t, day, "section", "chart-mttr"), `<tr><th scope="row">`); n != 24 {
		t.Errorf("24h: %d buckets, want 24 hours", n)
	}
	if got := plain(section(t, day, "tr", "tier-L1")); !strings.HasPrefix(got, "L1 1 0 0% 0 ") {
		t.Errorf("24h L1 row %q, want only the printer entered", got)
	}

	month := b.MustPage("/console/metrics?since=30d")
	if n := len(month.Body); n >= 100<<10 {
		t.Errorf("30d page: %d bytes, want under 100 KB", n)
	}
	if n := strings.Count(section(t, month, "section", "chart-breaches"), `<tr><th scope="row">`); n != 30 {
		t.Errorf("30d: %d buckets, want 30 days", n)
	}
}

// Ensure someone signed out is sent to sign in, and a window or tier the
// page does not offer is said plainly (422) with the default shown.
func TestConsoleMetricsRefusals(t *testing.T) {
	b := MustOpenConsole(t)
	if p := b.Get("/console/metrics"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), b.URL+"/console/login") {
		t.Errorf("signed out: %d to %q, want 303 to the sign-in page", p.Status, p.Location())
	}
	b.MustSignIn(apiKey)
	for query, want := range map[string]string{"?since=1y": "want 24h, 7d or 30d", "?since=%3Cb%3E": `since "<b>"`, "?tier=L9": "L9"} {
		p := b.Get("/console/metrics" + query)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(Text(t, p, "problem"), want) {
			t.Errorf("%s: %d, problem %q; want 422 saying %q", query, p.Status, Text(t, p, "problem"), want)
		}
		if !strings.Contains(p.Body, `id="tier-L1"`) || strings.Contains(p.Body, "<b>") {
			t.Errorf("%s: want the default page beside the problem, the query escaped", query)
		}
	}
}
