// fileform.mjs drives headless Chromium through playwright-core: it opens a
// tierline form page, fills it in the way a person would (finding each
// field by its label), sends it, and reports what the browser saw as one
// JSON object on stdout. The Go test (formbrowser_test.go) runs it with
// node and checks the report; this script only observes.
//
//   node fileform.mjs '<plan as JSON>'
//
// plan: {playwright, chromium, userDataDir, url, fields: {name, email,
// category, impact, subject, details}, timeoutMs}
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const plan = JSON.parse(process.argv[2]);
const { chromium } = await import(pathToFileURL(join(plan.playwright, 'index.mjs')).href);

// The flags of research/tooling.md §10: no sandbox (root in CI), no GPU,
// and nothing that talks to the network on its own. Playwright adds
// --headless; the profile is the fresh directory the test made.
const context = await chromium.launchPersistentContext(plan.userDataDir, {
  executablePath: plan.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: plan.timeoutMs,
});
const report = { dialogs: [], consoleErrors: [] };
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(plan.timeoutMs);
  // An alert() would be the requester's script running: record and dismiss it.
  page.on('dialog', async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });

  const form = await page.goto(plan.url);
  report.formStatus = form.status();
  report.formTitle = await page.title();
  // Find each field by its role and accessible name, as assistive
  // technology does: that takes a label tied to the field. The honeypot
  // sits in an aria-hidden box, so it must not be found that way.
  const field = (role, name) => page.getByRole(role, { name, exact: true });
  report.honeypotInAccessibilityTree = await field('textbox', 'Leave this field empty').count();
  const f = plan.fields;
  await field('textbox', 'Your name').fill(f.name);
  await field('textbox', 'Your e-mail address').fill(f.email);
  await field('combobox', 'Category').selectOption(f.category);
  await field('combobox', 'Impact').selectOption(f.impact);
  await field('textbox', 'Subject').fill(f.subject);
  await field('textbox', 'Details').fill(f.details);

  const [status] = await Promise.all([
    page.waitForNavigation({ url: '**/status/**' }),
    page.getByRole('button', { name: 'Send request' }).click(),
  ]);
  // The status page came by a redirect: the POST's own answer is the one
  // the final request was redirected from.
  const post = status.request().redirectedFrom();
  const postAnswer = post && await post.response();
  report.post = post && {
    method: post.method(),
    contentType: await post.headerValue('content-type'),
    origin: await post.headerValue('origin'),
    status: postAnswer.status(),
    location: await postAnswer.headerValue('location'),
  };
  report.statusURL = page.url();
  report.statusStatus = status.status();
  report.statusTitle = await page.title();
  report.shown = {};
  for (const id of ['ticket', 'subject', 'category', 'status', 'tier']) {
    report.shown[id] = await page.locator('#' + id).textContent();
  }
  // Whatever the page's source says, the DOM is what runs: count its
  // script elements, and any element the requester's text could have made.
  report.scripts = await page.locator('script').count();
  report.images = await page.locator('img').count();
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
