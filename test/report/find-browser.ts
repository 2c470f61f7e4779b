// Finds a Chromium-family browser where people usually have one, for the report test. The test
// drives it through playwright-core, which never downloads a browser of its own.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Program names looked up on PATH, in order. */
export const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** The one line printed when the test is skipped. */
export const INSTALL_HINT =
  'no Chromium found (CHROME_PATH, PATH: chromium, chromium-browser, google-chrome, or Playwright\'s cache); install it with "sudo apt-get install -y chromium" (or "bash .ci/apt-install.sh chromium /usr/bin/chromium"), or set CHROME_PATH';

export interface BrowserSearch {
  /** Environment to read CHROME_PATH, PATH, PLAYWRIGHT_BROWSERS_PATH and HOME from. */
  env: NodeJS.ProcessEnv;
  /** Home directory for Playwright's default cache (~/.cache/ms-playwright). */
  home?: string;
  platform?: NodeJS.Platform;
}

export type BrowserFound = { path: string; from: string } | { path: null; problem: string };

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Browsers Playwright installed (`npx playwright install chromium`), newest revision first. */
function playwrightCache(root: string): string[] {
  if (!existsSync(root)) return [];
  const dirs = readdirSync(root).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d));
  dirs.sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop()) || a.localeCompare(b));
  return dirs.flatMap((d) => [
    join(root, d, 'chrome-linux', 'chrome'),
    join(root, d, 'chrome-linux64', 'chrome'),
    join(root, d, 'chrome-linux', 'headless_shell'),
    join(root, d, 'chrome-headless-shell-linux64', 'chrome-headless-shell'),
    join(root, d, 'chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
  ]);
}

/**
 * CHROME_PATH first (a set but unusable CHROME_PATH is a problem, not a reason to look
 * elsewhere: the person meant that browser), then PATH names, then Playwright's cache, then the
 * usual macOS application path.
 */
export function findBrowser(search: BrowserSearch): BrowserFound {
  const { env } = search;
  const chromePath = env['CHROME_PATH'];
  if (chromePath !== undefined && chromePath !== '') {
    return executable(chromePath) ? { path: chromePath, from: 'CHROME_PATH' } : { path: null, problem: `CHROME_PATH is set to "${chromePath}", which is not an executable file; fix it or unset it` };
  }
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const p = join(dir, name);
      if (executable(p)) return { path: p, from: `PATH (${name})` };
    }
  }
  const home = search.home ?? env['HOME'] ?? homedir();
  const caches = [env['PLAYWRIGHT_BROWSERS_PATH'], join(home, '.cache', 'ms-playwright'), join(home, 'Library', 'Caches', 'ms-playwright')];
  for (const root of caches) {
    if (!root || root === '0') continue;
    for (const p of playwrightCache(root)) if (executable(p)) return { path: p, from: `Playwright's cache (${root})` };
  }
  if ((search.platform ?? process.platform) === 'darwin') {
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    if (executable(mac)) return { path: mac, from: 'Applications' };
  }
  return { path: null, problem: INSTALL_HINT };
}

/** Whether CI asked that the browser test never be skipped (.ci/run sets it after installing Chromium). */
export function browserRequired(env: NodeJS.ProcessEnv): boolean {
  return env['SOAKSTORM_REQUIRE_BROWSER'] === '1';
}
