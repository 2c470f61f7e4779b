// The report test finds a browser where people keep one, skips with one line when there is none,
// and fails instead of skipping when CI requires the browser (SOAKSTORM_REQUIRE_BROWSER=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_HINT, browserRequired, findBrowser } from './find-browser.js';

const REPORT_TEST = fileURLToPath(new URL('./report-chromium.test.js', import.meta.url));
let dir = '';

async function fakeBrowser(path: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\nexit 0\n');
  await chmod(path, 0o755);
  return path;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'soakstorm-browser-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('no CHROME_PATH, an empty PATH and no Playwright cache: not found, with the install line', () => {
  const found = findBrowser({ env: { PATH: '' }, home: join(dir, 'empty-home'), platform: 'linux' });
  assert.deepEqual(found, { path: null, problem: INSTALL_HINT });
  assert.match(INSTALL_HINT, /^no Chromium found .*apt-get install -y chromium/);
  assert.ok(!INSTALL_HINT.includes('\n'));
});

test('PATH names are found in order, and a non-executable file is passed over', async () => {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'chromium'), 'not executable');
  const chrome = await fakeBrowser(join(bin, 'google-chrome'));
  assert.deepEqual(findBrowser({ env: { PATH: `/nonexistent:${bin}` }, home: dir }), { path: chrome, from: 'PATH (google-chrome)' });
  const chromiumBrowser = await fakeBrowser(join(dir, 'bin2', 'chromium-browser'));
  assert.equal(findBrowser({ env: { PATH: `${bin}:${join(dir, 'bin2')}` }, home: dir }).path, chromiumBrowser);
});

test("Playwright's cache is searched, newest revision first", async () => {
  const home = join(dir, 'home');
  await fakeBrowser(join(home, '.cache', 'ms-playwright', 'chromium-1100', 'chrome-linux', 'chrome'));
  const newest = await fakeBrowser(join(home, '.cache', 'ms-playwright', 'chromium-1200', 'chrome-linux', 'chrome'));
  assert.deepEqual(findBrowser({ env: { PATH: '' }, home }), { path: newest, from: `Playwright's cache (${join(home, '.cache', 'ms-playwright')})` });
  const custom = await fakeBrowser(join(dir, 'pw', 'chromium_headless_shell-1300', 'chrome-linux', 'headless_shell'));
  assert.equal(findBrowser({ env: { PATH: '', PLAYWRIGHT_BROWSERS_PATH: join(dir, 'pw') }, home }).path, custom);
});

test('CHROME_PATH wins, and a broken CHROME_PATH is reported rather than silently replaced', async () => {
  const chrome = await fakeBrowser(join(dir, 'opt', 'my-chrome'));
  const bin = join(dir, 'bin');
  assert.deepEqual(findBrowser({ env: { CHROME_PATH: chrome, PATH: bin }, home: dir }), { path: chrome, from: 'CHROME_PATH' });
  const broken = findBrowser({ env: { CHROME_PATH: join(dir, 'missing'), PATH: bin }, home: dir });
  assert.equal(broken.path, null);
  assert.match((broken as { problem: string }).problem, /^CHROME_PATH is set to ".*missing", which is not an executable file/);
});

test('SOAKSTORM_REQUIRE_BROWSER=1 is the only way to require it', () => {
  assert.equal(browserRequired({ SOAKSTORM_REQUIRE_BROWSER: '1' }), true);
  assert.equal(browserRequired({}), false);
  assert.equal(browserRequired({ SOAKSTORM_REQUIRE_BROWSER: '0' }), false);
});

function runReportTest(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--test', '--test-reporter=tap', REPORT_TEST], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr });
    });
  });
}

// On macOS the finder also looks in /Applications, which an empty PATH does not hide.
const MAC = process.platform === 'darwin' ? 'macOS: /Applications may hold a browser an empty PATH does not hide' : false;

test('the report test without a browser: skipped with one line, or failed when CI requires the browser', { skip: MAC }, async () => {
  const bare = { PATH: '', HOME: join(dir, 'empty-home'), NO_COLOR: '1' };
  const skipped = await runReportTest(bare);
  assert.equal(skipped.code, 0, skipped.out);
  assert.match(skipped.out, /^ok 1 - report\.html in Chromium # SKIP skipped: no Chromium found/m);
  assert.match(skipped.out, /^# skipped 1$/m);
  const required = await runReportTest({ ...bare, SOAKSTORM_REQUIRE_BROWSER: '1' });
  assert.equal(required.code, 1, required.out);
  assert.match(required.out, /^not ok 1 - report\.html in Chromium$/m);
  assert.match(required.out, /SOAKSTORM_REQUIRE_BROWSER=1 \(set by \.ci\/run\) but no Chromium found/);
});
