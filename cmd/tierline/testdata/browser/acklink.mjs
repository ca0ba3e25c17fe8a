// acklink.mjs drives headless Chromium through playwright-core the way an
// on-call engineer follows a hand-off's Acknowledge button on a phone: it
// opens the link (twice, as a link previewer and then the person would),
// types a name on the confirm page, presses Acknowledge, and reports what
// the browser saw as one JSON object on stdout. The Go test
// (actions_browser_test.go) checks the report and the ticket; this script
// only observes.
//
//   node acklink.mjs '<plan as JSON>'
//
// plan: {playwright, chromium, userDataDir, url, name, screenshot, timeoutMs}
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const plan = JSON.parse(process.argv[2]);
const { chromium } = await import(pathToFileURL(join(plan.playwright, 'index.mjs')).href);

const context = await chromium.launchPersistentContext(plan.userDataDir, {
  executablePath: plan.chromium,
  headless: true,
  viewport: { width: 390, height: 844 }, // a phone
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: plan.timeoutMs,
});
const report = { dialogs: [], consoleErrors: [], gets: [] };
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(plan.timeoutMs);
  page.on('dialog', async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });

  for (let i = 0; i < 2; i++) {
    const r = await page.goto(plan.url);
    report.gets.push({ status: r.status(), title: await page.title() });
  }
  report.confirmTitle = await page.locator('#title').textContent();
  report.scripts = await page.locator('script').count();
  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });
  await page.getByRole('textbox', { name: 'Your name', exact: true }).fill(plan.name);
  const [answer] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Acknowledge' }).click(),
  ]);
  const post = answer.request();
  report.post = { method: post.method(), origin: await post.headerValue('origin'), status: answer.status() };
  report.heading = await page.locator('#heading').textContent();
  report.message = await page.locator('#message').textContent();
  report.consoleLink = await page.locator('#console').getAttribute('href');
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
