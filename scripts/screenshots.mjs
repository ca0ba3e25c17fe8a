// Signs in to the console with headless Chromium and captures the queue,
// a ticket and the metrics page at 1280x800. Run by scripts/screenshots.sh,
// which starts tierline and passes the plan as JSON: playwright (the
// playwright-core directory), chromium, userDataDir, url (the console's),
// key, ticket (an ID), out (the directory of the PNGs).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const plan = JSON.parse(process.argv[2]);
const { chromium } = await import(pathToFileURL(join(plan.playwright, 'index.mjs')).href);

const context = await chromium.launchPersistentContext(plan.userDataDir, {
  executablePath: plan.chromium,
  headless: true,
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(r.status() + ' ' + r.url()); });
  const shoot = async (name) => {
    await page.screenshot({ path: join(plan.out, name), fullPage: false });
    process.stderr.write('screenshots.mjs: ' + name + '\n');
  };

  await page.goto(plan.url + '/login');
  await page.getByLabel('Api key', { exact: true }).fill(plan.key);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  await shoot('console-queue.png');

  await page.goto(plan.url + '/tickets/' + plan.ticket);
  await shoot('console-ticket.png');

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Metrics', exact: true }).click()]);
  // From the table down: the figures, the flow and the first chart.
  await page.locator('#tiers-heading').evaluate((h) => h.scrollIntoView());
  await shoot('console-metrics.png');
} finally {
  await context.close();
}
if (problems.length > 0) {
  process.stderr.write('screenshots.mjs: the pages reported errors: ' + problems.join('; ') + '\n');
  process.exit(1);
}
