package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
)

const consoleBrowserConfig = `
integrations:
  - {name: prom, kind: generic, token: prom-token}
action_links: {secret: console-secret-for-the-browser-test-0123456789}
channels:
  L1: [{kind: log}]
  L2: [{kind: log}]
  L3: [{kind: log}]
api_keys:
  - {name: ops, key: ops-key}
`

// consoleReport is what consoleScript saw.
type consoleReport struct {
	SignInTitle  string   `json:"signInTitle"`
	Who          string   `json:"who"`
	EmptyBefore  bool     `json:"emptyBefore"`
	Background   string   `json:"background"` // of the body: the stylesheet applied under the CSP
	TicketTitle  string   `json:"ticketTitle"`
	Scripts      int      `json:"scripts"`
	AfterAck     []string `json:"afterAck"`      // flash, status, assignee
	AfterEscal   []string `json:"afterEscalate"` // flash, status, tier, hand-off note
	InL2         bool     `json:"inL2"`
	AfterResolve []string `json:"afterResolve"` // flash, status
	Dialogs      []string `json:"dialogs"`
	Errors       []string `json:"consoleErrors"`
}

// Ensure an on-call engineer can work a ticket through the console in a
// real browser, with keyboard-reachable controls found by their roles
// and labels: sign in with a personal key, see an alert posted by hook
// appear in the L1 queue, open it, acknowledge it, escalate it with a
// note, find it in the L2 queue and resolve it; the timeline records
// each step as the key, and the alert's markup shows as text.
func TestConsoleInBrowser(t *testing.T) {
	chromium := testenv.Command(t, "chromium", "apt-get install chromium (scripts/test-deps.sh)")
	playwright := filepath.Dir(testenv.Infra(t, "playwright-core/package.json"))
	node := testenv.Node22(t)
	m := MustRunMain(t, consoleBrowserConfig, t.TempDir())
	a := api{t, m.URL}
	title := `<script>alert(1)</script> Disk full on db-1`

	script := filepath.Join(t.TempDir(), "console.mjs")
	if err := os.WriteFile(script, []byte(consoleScript), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, _ := json.Marshal(map[string]any{"playwright": playwright, "chromium": chromium, "userDataDir": t.TempDir(),
		"url": m.URL + "/console/", "key": "ops-key", "title": title, "note": "df shows /var full; cleaned /tmp, no change",
		"resolution": "grew the volume", "timeoutMs": 60000})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, string(plan))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, 1<<20)
	if !lines.Scan() || lines.Text() != "signed in" {
		cmd.Wait()
		t.Fatalf("console.mjs did not sign in: %q\n%s", lines.Text(), stderr.String())
	}
	body, _ := json.Marshal(map[string]string{"title": title, "dedup_key": "disk-db-1"})
	id := a.hook(string(body)).Results[0].TicketID
	stdin.Write([]byte("posted\n"))
	stdin.Close()
	var out string
	if lines.Scan() {
		out = lines.Text()
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("console.mjs: %v\n%s", err, stderr.String())
	}
	var r consoleReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("console.mjs printed %q: %v\n%s", out, err, stderr.String())
	}

	if r.SignInTitle != "Sign in · tierline console" || r.Who != "ops" || !r.EmptyBefore || r.Background != "rgb(244, 245, 247)" {
		t.Errorf("sign in: page %q, signed in as %q, queue empty before the hook %v, background %q",
			r.SignInTitle, r.Who, r.EmptyBefore, r.Background)
	}
	if r.TicketTitle != title || r.Scripts != 0 || len(r.Dialogs) != 0 || len(r.Errors) != 0 {
		t.Errorf("ticket page shows %q with %d scripts, dialogs %q, console errors %q; want the title as text and nothing run",
			r.TicketTitle, r.Scripts, r.Dialogs, r.Errors)
	}
	if want := []string{"Acknowledged: it is yours, and the resolve deadline runs.", "acknowledged", "ops"}; strings.Join(r.AfterAck, "|") != strings.Join(want, "|") {
		t.Errorf("after Acknowledge: %q, want %q", r.AfterAck, want)
	}
	if len(r.AfterEscal) != 4 || r.AfterEscal[1] != "open" || r.AfterEscal[2] != "L2" || r.AfterEscal[3] != "df shows /var full; cleaned /tmp, no change" {
		t.Errorf("after Escalate: %q, want open at L2 with the note as the hand-off's", r.AfterEscal)
	}
	if !r.InL2 || len(r.AfterResolve) != 2 || !strings.HasPrefix(r.AfterResolve[1], "resolved") {
		t.Errorf("in the L2 queue: %v; after Resolve: %q", r.InL2, r.AfterResolve)
	}
	tk := a.ticket(id)
	var did []string
	for _, e := range tk.Timeline {
		if e.Actor == "ops" {
			did = append(did, e.Kind+":"+e.Note)
		}
	}
	want := []string{"acknowledged:", "escalated:df shows /var full; cleaned /tmp, no change", "resolved:grew the volume"}
	if tk.Status != "resolved" || tk.Tier != "L2" || strings.Join(did, "|") != strings.Join(want, "|") {
		t.Errorf("ticket %s at %s; ops did %q, want %q", tk.Status, tk.Tier, did, want)
	}
}

// consoleScript drives headless Chromium through playwright-core as an
// engineer on a phone would, finding every control by its role and
// label; it prints "signed in", waits for the test to post the alert
// (a line on stdin), and prints what it saw as one JSON object. It only
// observes: the Go test checks.
const consoleScript = `
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const plan = JSON.parse(process.argv[2]);
const { chromium } = await import(pathToFileURL(join(plan.playwright, 'index.mjs')).href);
const input = createInterface({ input: process.stdin });
const stdin = input[Symbol.asyncIterator]();

const context = await chromium.launchPersistentContext(plan.userDataDir, {
  executablePath: plan.chromium,
  headless: true,
  viewport: { width: 390, height: 844 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: plan.timeoutMs,
});
const report = { dialogs: [], consoleErrors: [] };
const text = async (page, sel) => ((await page.locator(sel).textContent()) ?? '').trim();
const step = (what) => process.stderr.write('console.mjs: ' + what + '\n'); // progress, shown when the test fails
const submit = async (page, button) => {
  step('press ' + button);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
};
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(plan.timeoutMs);
  page.on('dialog', async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) report.consoleErrors.push(r.status() + ' ' + r.url()); });

  await page.goto(plan.url);
  report.signInTitle = await page.title();
  await page.getByLabel('Api key', { exact: true }).fill(plan.key);
  await submit(page, 'Sign in');
  report.who = await text(page, '#who');
  report.emptyBefore = await page.locator('#empty').count() === 1;
  report.background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  process.stdout.write('signed in\n');
  await stdin.next();
  input.close(); // or node would wait for more

  step('wait for the alert in the L1 queue');
  const link = page.getByRole('link', { name: plan.title, exact: true });
  for (let i = 0; i < 50 && await link.count() === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
  await Promise.all([page.waitForNavigation(), link.click()]);
  report.ticketTitle = await text(page, '#title');
  report.scripts = await page.locator('script').count();

  await submit(page, 'Acknowledge');
  report.afterAck = [await text(page, '#flash'), await text(page, '#status'), await text(page, '#assignee')];

  await page.getByLabel('What was seen and tried (required)').fill(plan.note);
  await submit(page, 'Escalate to L2');
  report.afterEscalate = [await text(page, '#flash'), await text(page, '#status'), await text(page, '#tier'), await text(page, '#handoff-note')];

  step('open the L2 queue');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'L2', exact: true }).click()]);
  report.inL2 = await link.count() === 1;
  await Promise.all([page.waitForNavigation(), link.click()]);
  await page.getByLabel('Resolution', { exact: true }).fill(plan.resolution);
  await submit(page, 'Resolve');
  report.afterResolve = [await text(page, '#flash'), await text(page, '#status')];
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
`
