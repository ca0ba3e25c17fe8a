package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
)

// metricsReport is what metricsScript saw.
type metricsReport struct {
	Title      string     `json:"title"`
	Current    string     `json:"current"` // the navigation's current page
	Columns    []string   `json:"columns"`
	Rows       [][]string `json:"rows"` // the tier table, row header first
	Flow       string     `json:"flow"`
	Charts     []string   `json:"charts"` // the accessible names of the charts
	Series     []int      `json:"series"` // the series of each chart
	Stroke     string     `json:"stroke"` // of L1's line, from the stylesheet
	Recurring  []string   `json:"recurring"`
	Problem    string     `json:"problem"` // the title of the page the recurring row links to
	Scripts    int        `json:"scripts"`
	Dialogs    []string   `json:"dialogs"`
	Errors     []string   `json:"consoleErrors"`
	TableWidth float64    `json:"tableWidth"` // of the tier table, against the page's
	PageWidth  float64    `json:"pageWidth"`
}

// Ensure the metrics page works in a real browser under the console's
// CSP: signed in, the Metrics link opens it, its tier table reads by
// role, each chart is an image named by its title with one series per
// tier styled by the stylesheet (no CSP report: no inline style), and the
// recurring alert's markup shows as text with a link to its problem.
func TestConsoleMetricsInBrowser(t *testing.T) {
	chromium := testenv.Command(t, "chromium", "apt-get install chromium (scripts/test-deps.sh)")
	playwright := filepath.Dir(testenv.Infra(t, "playwright-core/package.json"))
	node := testenv.Node22(t)
	m := MustRunMain(t, consoleBrowserConfig+"problems: {after: 2, within: 7d, tier: L2, priority: P3}\n", t.TempDir())
	a := api{t, m.URL}
	title := `<script>alert(1)</script> Link flapping`
	flap, _ := json.Marshal(map[string]string{"title": title, "dedup_key": "flap"})
	a.hook(string(flap))
	a.hook(`{"dedup_key": "flap", "action": "resolve"}`)
	a.hook(string(flap))
	id := a.hook(`{"title": "Disk full", "dedup_key": "disk"}`).Results[0].TicketID
	a.act(id, "acknowledge", `{}`)
	a.act(id, "escalate", `{"note": "cleaned /tmp, still full"}`)

	script := filepath.Join(t.TempDir(), "metrics.mjs")
	if err := os.WriteFile(script, []byte(metricsScript), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, _ := json.Marshal(map[string]any{"playwright": playwright, "chromium": chromium, "userDataDir": t.TempDir(),
		"url": m.URL + "/console/", "key": "ops-key", "title": title, "timeoutMs": 60000})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, node, script, string(plan))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("metrics.mjs: %v\n%s", err, stderr.String())
	}
	var r metricsReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("metrics.mjs printed %q: %v\n%s", out, err, stderr.String())
	}

	if r.Title != "Support metrics · tierline console" || r.Current != "Metrics" {
		t.Errorf("page %q, current navigation %q; want the metrics page, marked current", r.Title, r.Current)
	}
	if len(r.Columns) != 13 || r.Columns[0] != "Tier" || r.Columns[3] != "FCR" {
		t.Errorf("columns %q, want the 13 figures from Tier", r.Columns)
	}
	// L1: 3 entered (2 flaps, the disk), 1 resolved, 1 escalated; L2: the
	// disk and the problem.
	want := [][]string{{"L1", "3", "1", "33%", "1"}, {"L2", "2", "0", "0%", "0"}, {"L3", "0", "0", "–", "0"}}
	for i, w := range want {
		if i >= len(r.Rows) || len(r.Rows[i]) < len(w) || strings.Join(r.Rows[i][:len(w)], " ") != strings.Join(w, " ") {
			t.Errorf("tier rows %q, want them to begin %q", r.Rows, want)
			break
		}
	}
	if r.Flow != "L1 entered 3 → escalated 1 (33%) → L2 entered 2 → escalated 0 (0%) → L3 entered 0" {
		t.Errorf("flow %q", r.Flow)
	}
	if len(r.Charts) != 3 || !strings.HasPrefix(r.Charts[0], "Median time to acknowledge (MTTA) per day, by tier") ||
		fmt.Sprint(r.Series) != "[3 3 3]" {
		t.Errorf("charts %q with series %v, want three images named by their titles, three series each", r.Charts, r.Series)
	}
	if r.Stroke != "rgb(31, 95, 191)" {
		t.Errorf("L1's line stroke %q, want the stylesheet's blue", r.Stroke)
	}
	if len(r.Recurring) < 1 || r.Recurring[0] != title || !strings.Contains(r.Problem, title) {
		t.Errorf("recurring row %q leading to %q, want the title as text and its problem's page", r.Recurring, r.Problem)
	}
	if r.Scripts != 0 || len(r.Dialogs) != 0 || len(r.Errors) != 0 {
		t.Errorf("%d scripts, dialogs %q, console errors %q; want nothing run and nothing refused", r.Scripts, r.Dialogs, r.Errors)
	}
	if r.TableWidth > r.PageWidth {
		t.Errorf("the tier table is %vpx wide in a %vpx page", r.TableWidth, r.PageWidth)
	}
}

// metricsScript signs in with headless Chromium at a laptop's size,
// opens the metrics page by its link and prints what it saw as JSON. It
// only observes: the Go test checks.
const metricsScript = `
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const plan = JSON.parse(process.argv[2]);
const { chromium } = await import(pathToFileURL(join(plan.playwright, 'index.mjs')).href);
const context = await chromium.launchPersistentContext(plan.userDataDir, {
  executablePath: plan.chromium,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: plan.timeoutMs,
});
const report = { dialogs: [], consoleErrors: [] };
const clean = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(plan.timeoutMs);
  page.on('dialog', async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) report.consoleErrors.push(r.status() + ' ' + r.url()); });

  await page.goto(plan.url);
  await page.getByLabel('Api key', { exact: true }).fill(plan.key);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Metrics', exact: true }).click()]);
  report.title = await page.title();
  report.current = clean(await page.locator('nav [aria-current=page]').textContent());

  const table = page.getByRole('table', { name: 'By tier' });
  report.columns = (await table.getByRole('columnheader').allTextContents()).map(clean);
  report.rows = [];
  for (const row of await table.locator('tbody').getByRole('row').all()) {
    report.rows.push((await row.getByRole('rowheader').allTextContents()).concat(await row.getByRole('cell').allTextContents()).map(clean));
  }
  report.flow = clean(await page.locator('#flow').textContent());
  report.charts = [];
  report.series = [];
  for (const img of await page.locator('svg[role=img]').all()) {
    report.charts.push(await img.evaluate((e) => e.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id).textContent).join(' ')));
    report.series.push(await img.locator('g.series').count());
  }
  report.stroke = await page.locator('#chart-mttr .s-L1 path').evaluate((e) => getComputedStyle(e).stroke);
  report.tableWidth = await table.evaluate((e) => e.getBoundingClientRect().width);
  report.pageWidth = await page.locator('main').evaluate((e) => e.clientWidth);
  report.scripts = await page.locator('script').count();

  const recurring = page.getByRole('table', { name: 'Recurring' });
  report.recurring = (await recurring.locator('tbody tr').first().getByRole('cell').allTextContents()).map(clean);
  await Promise.all([page.waitForNavigation(), recurring.getByRole('link', { name: /problem record/ }).click()]);
  report.problem = clean(await page.locator('#title').textContent());
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
`
