// Renders report.html, rebuilt by `soakstorm report` from the committed fixture run, in real headless
// Chromium (found by find-browser.ts, driven by playwright-core; never a downloaded browser).
// Without a browser the test is skipped with one line saying how to install one, unless
// SOAKSTORM_REQUIRE_BROWSER=1 (.ci/run sets it), which turns a missing browser into a failure.
// SOAKSTORM_UPDATE_SCREENSHOTS=1 also writes docs/img/report.png and docs/img/terminal.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { NIGHTLY_DIR } from '../fixtures/paths.js';
import { SCRIPT_REASON } from '../fixtures/make-fixture.js';
import { runCommand } from '../fixtures/cli-harness.js';
import { browserRequired, findBrowser } from './find-browser.js';
import { writeScreenshots } from './screenshots.js';

const FOUND = findBrowser({ env: process.env });
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CHARTS = ['rtt', 'connections', 'throughput', 'errors', 'memory', 'generator', 'lag', 'percentiles', 'close-codes', 'lifetime'];

interface ChartInfo {
  id: string;
  paths: number;
  bars: number;
  width: number;
  height: number;
  empty: boolean;
}

let root = '';
let context: BrowserContext | undefined;
let page: Page;
const problems: string[] = [];
const requests: string[] = [];

if (FOUND.path === null) {
  // One line in the test output; in CI (SOAKSTORM_REQUIRE_BROWSER=1) the same line fails the run.
  if (browserRequired(process.env)) test('report.html in Chromium', () => assert.fail(`SOAKSTORM_REQUIRE_BROWSER=1 (set by .ci/run) but ${FOUND.problem}`));
  else test('report.html in Chromium', { skip: `skipped: ${FOUND.problem}` }, () => {});
} else {
  registerBrowserTests(FOUND.path);
}

function registerBrowserTests(executablePath: string): void {
before(async () => {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    assert.fail(`playwright-core is not installed (${(err as Error).message}). Run "npm install" (it is a devDependency).`);
  }
  root = await mkdtemp(join(tmpdir(), 'soakstorm-chromium-'));
  await cp(NIGHTLY_DIR, join(root, 'run'), { recursive: true });
  const rebuilt = await runCommand('report', [join(root, 'run')]);
  assert.equal(rebuilt.stderr, '');
  assert.equal(rebuilt.exitCode, 0);
  assert.deepEqual((await readdir(join(root, 'run'))).sort(), ['junit.xml', 'report.html', 'summary.json', 'summary.md', 'timeline.ndjson']);
  context = await chromium.launchPersistentContext(join(root, 'profile'), { executablePath, headless: true, args: ARGS, timeout: 60_000, offline: true });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(pathToFileURL(join(root, 'run', 'report.html')).href, { waitUntil: 'load', timeout: 30_000 });
  if (process.env['SOAKSTORM_UPDATE_SCREENSHOTS'] === '1') await writeScreenshots(context, page, join(root, 'run'));
});

after(async () => {
  await context?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

test('the page loads with no console errors, no dialogs and no request but itself', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [pathToFileURL(join(root, 'run', 'report.html')).href]);
});

test('verdicts and thresholds are shown first', async () => {
  const headings = await page.locator('h2').allInnerTexts();
  assert.deepEqual(headings, ['Verdicts', 'Thresholds', 'Key figures', 'Over time', 'Distributions', 'Per profile', 'What the server said', 'Events', 'Settings']);
  assert.equal(await page.locator('[data-verdict="leak"] .pill').innerText(), 'FAIL');
  assert.equal(await page.locator('table.thresholds tbody tr').count(), 10);
  assert.equal(await page.locator('table.thresholds tr.fail').count(), 3);
});

test('every chart renders non-empty at a real size', async () => {
  // Runs in the page; a string keeps DOM types out of this Node-only compilation.
  const charts = await page.evaluate<ChartInfo[]>(`[...document.querySelectorAll('figure.chart')].map((f) => {
    const box = f.querySelector('svg').getBoundingClientRect();
    const paths = [...f.querySelectorAll('path.series')].filter((p) => (p.getAttribute('d') || '').length > 10 && p.getTotalLength() > 20).length;
    const bars = [...f.querySelectorAll('rect.bar')].filter((r) => r.getBoundingClientRect().height > 0).length;
    return { id: f.getAttribute('data-chart'), paths, bars, width: box.width, height: box.height, empty: f.querySelector('.no-data') !== null };
  })`);
  assert.deepEqual(charts.map((c) => c.id), CHARTS);
  for (const c of charts) {
    assert.ok(c.paths + c.bars > 0, `chart ${c.id} has no drawn series or bars`);
    assert.ok(c.width > 600 && c.height > 150, `chart ${c.id} is ${c.width}×${c.height}`);
    assert.equal(c.empty, false, `chart ${c.id} says no data`);
  }
  assert.equal(charts.find((c) => c.id === 'rtt')!.paths, 3);
  assert.equal(charts.find((c) => c.id === 'close-codes')!.bars, 4);
});

test('a <script> close reason shows as text and runs nothing', async () => {
  assert.equal(await page.locator('script').count(), 0);
  const samples = await page.locator('code.sample').allInnerTexts();
  assert.ok(samples.includes(SCRIPT_REASON), `samples shown: ${JSON.stringify(samples)}`);
  assert.match(await page.locator('#server-text').innerText(), /<script>alert\(1\)<\/script>/);
  assert.equal(await page.locator('b:text("acme")').count(), 0);
  assert.match(await page.locator('#settings').innerText(), /"x-tenant":"<b>acme<\/b> & \\"co\\""/);
});
}
