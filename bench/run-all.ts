// `npm run bench`: one lab process (held-50k starts its own 3-process lab), each generator in its
// own child process, then a table of soakstorm vs raw baselines and results/bench-<date>.json.
// Loopback only; kills every child.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { killChildren, round, type BenchRow } from './harness.js';
import { startLabProcess, type LabProcess } from '../src/coordinator/lab-process.js';
import { benchWsEcho } from './ws-echo.js';
import { benchIdleMemory } from './idle-memory.js';
import { benchSseRead } from './sse-read.js';
import { benchOpenTime } from './open-time.js';
import { benchHeld50k } from './held-50k.js';
import { benchChurnRss } from './churn-rss.js';

/** Benches to run, by name; `node dist/bench/run-all.js ws-echo sse-read` runs a subset. */
const BENCHES: Record<string, (lab: LabProcess, log: (line: string) => void) => Promise<BenchRow[]>> = {
  'ws-echo': async (lab, log) => (await benchWsEcho(lab.wsUrl, log)).rows,
  'idle-memory': (lab, log) => benchIdleMemory(lab.wsUrl, log),
  'sse-read': (lab, log) => benchSseRead(lab.httpUrl, log),
  'open-time': (lab, log) => benchOpenTime(lab.wsUrl, lab.pid, log),
  // Starts its own 3-process lab: one lab process cannot hold 50,000 sockets (fd limit 20,000).
  'held-50k': (_lab, log) => benchHeld50k(log),
  'churn-rss': (lab, log) => benchChurnRss(lab.wsUrl, log),
};

const logLines: string[] = [];
const log = (line: string): void => {
  logLines.push(line);
  process.stderr.write(`bench: ${line}\n`);
};

function formatNumber(n: number | null, unit: string): string {
  if (n === null) return '—';
  if (unit === 'ratio') return n.toFixed(2);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(2);
}

/** The table the bench prints: name, soakstorm, raw, ratio, unit. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.name, formatNumber(r.soakstorm, r.unit), formatNumber(r.raw, r.unit), r.ratio === null ? '—' : r.ratio.toFixed(2), r.unit]);
  const head = ['benchmark', 'soakstorm', 'raw', 'ratio', 'unit'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length > 0) {
    process.stderr.write(`soakstorm bench: unknown benchmark "${unknown[0]}". Pick from ${Object.keys(BENCHES).join(', ')}.\n`);
    process.exitCode = 2;
    return;
  }
  const startedMs = performance.now();
  const lab = await startLabProcess();
  labPid = lab.pid;
  log(`lab pid ${lab.pid} at ${lab.httpUrl}`);
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  try {
    for (const name of names) {
      const t0 = performance.now();
      try {
        rows.push(...(await BENCHES[name]!(lab, log)));
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
        log(`${name} failed: ${(err as Error).message}`);
      }
      log(`${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    killChildren();
    await lab.stop();
  }
  process.stdout.write(`\n${formatTable(rows)}\n`);
  for (const r of rows) if (r.note) process.stdout.write(`  ${r.name}: ${r.note}\n`);
  for (const f of failures) process.stdout.write(`  FAILED ${f}\n`);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(process.cwd(), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${date}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? '',
        totalSeconds: round((performance.now() - startedMs) / 1000, 1),
        rows: rows.map((r) => ({ ...r, soakstorm: round(r.soakstorm), raw: round(r.raw), ratio: round(r.ratio) })),
        failures,
        log: logLines,
      },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write(`\nwrote ${file} (${((performance.now() - startedMs) / 1000).toFixed(0)} s)\n`);
  if (failures.length > 0) process.exitCode = 1;
}

let labPid = 0;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    killChildren();
    if (labPid > 0) process.kill(labPid, 'SIGTERM');
    process.exit(code);
  });
}
await main();
