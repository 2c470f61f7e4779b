// A hostile server's close reason full of terminal escapes (retitle, clear screen, bell, C1 CSI,
// bidi override) must reach the terminal, summary.md and report.html as visible U+FFFD, never
// as live control characters. The server is a plain ws server, not the lab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { stripControl } from '../../src/reporters/safe-text.js';
import { escapeMarkdown } from '../../src/reporters/markdown.js';
import { escapeHtml } from '../../src/reporters/html/escape.js';

const EVIL = '\u001b]0;pwned\u0007\u001b[2Jgone\u009b31m\u202eevil';
// ESC, BEL, C1 (0x80-0x9f) and bidi overrides: none may be printed as received.
const LIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

let wss: WebSocketServer;
let port = 0;
before(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  port = (wss.address() as { port: number }).port;
  // Every connection is closed at once with the hostile reason (1008 policy violation).
  wss.on('connection', (ws) => ws.close(1008, EVIL));
});
after(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

test('close reasons with escape sequences are neutralised in terminal, summary.md and report.html', async () => {
  const out = tempResults();
  const r = await runCli(['run', `ws://127.0.0.1:${port}/`, '-c', '2', '-d', '2s', '--ramp-up', '200ms', '--drain', '200ms', '--reconnect', 'fixed', '--reconnect-base', '500ms', '--no-progress', '--out', out], 60_000);
  const dir = join(out, readdirSync(out)[0]!);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { samples: { kind: string; text: string }[] };
  assert.ok(summary.samples.some((s) => s.kind === 'close-reason' && s.text.includes('pwned')), `the close reason was recorded (exit ${r.code}): ${JSON.stringify(summary.samples)}`);
  for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['summary.md', readFileSync(join(dir, 'summary.md'), 'utf8')], ['report.html', readFileSync(join(dir, 'report.html'), 'utf8')]] as const) {
    assert.ok(!LIVE.test(text), `${where} holds a live control character: ${JSON.stringify(text.match(LIVE))}`);
  }
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /\uFFFD\\\]0;pwned\uFFFD/);
});

test('stripControl keeps text, tabs and (when asked) newlines; every escaper uses it', () => {
  assert.equal(stripControl('a\tb\u001b[0mc\u0007'), 'a\tb\uFFFD[0mc\uFFFD');
  assert.equal(stripControl('line1\nline2'), 'line1\uFFFDline2');
  assert.equal(stripControl('line1\nline2', true), 'line1\nline2');
  assert.equal(stripControl('naïve – ok ✓'), 'naïve – ok ✓', 'printable Unicode untouched');
  assert.ok(!LIVE.test(escapeMarkdown(EVIL)));
  assert.ok(!LIVE.test(escapeHtml(EVIL)));
});
