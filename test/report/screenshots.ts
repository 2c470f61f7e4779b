// The pictures in README.md and docs/: report.html as Chromium draws it, and the terminal summary
// of the same run drawn as a terminal would show it. Written only on request
// (SOAKSTORM_UPDATE_SCREENSHOTS=1) by the report test, which already has the browser open.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunSummary } from '../../src/metrics/result.js';
import { formatSummary } from '../../src/reporters/terminal.js';
import { REPO_ROOT } from '../fixtures/paths.js';

export const IMG_DIR = join(REPO_ROOT, 'docs', 'img');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A page that looks like a dark terminal window holding `text` (the summary prints no colours). */
export function terminalPage(text: string): string {
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#1d1f21}
pre{margin:0;padding:14px 18px;color:#d7dadc;font:13px/1.35 "DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre}
</style><pre>${escapeHtml(text)}</pre>`;
}

/** Writes docs/img/report.png (top of the report) and docs/img/terminal.png (the summary). */
export async function writeScreenshots(context: BrowserContext, report: Page, runDir: string): Promise<void> {
  await mkdir(IMG_DIR, { recursive: true });
  await report.screenshot({ path: join(IMG_DIR, 'report.png'), clip: { x: 0, y: 0, width: 1200, height: 900 } });
  const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const text = formatSummary(summary, `results/${summary.runId}/summary.json`);
  const term = await context.newPage();
  try {
    await term.setViewportSize({ width: 1240, height: 400 });
    await term.setContent(terminalPage(text));
    const box = await term.locator('pre').boundingBox();
    // A clip is cut at the viewport's edge: grow the viewport to the whole text first.
    await term.setViewportSize({ width: 1240, height: Math.ceil(box!.height) });
    await term.screenshot({ path: join(IMG_DIR, 'terminal.png'), clip: { x: 0, y: 0, width: Math.ceil(box!.width), height: Math.ceil(box!.height) } });
  } finally {
    await term.close();
  }
}
