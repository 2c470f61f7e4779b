// 50,000 WebSocket connections held with pings, more than one process can (hard fd limit 20,000):
// the real CLI, `soakstorm run --processes 3`, against plain `ws` clients split over 3 child
// processes on the same offered load. Its own 3-process lab, both generators measured as the sum
// of VmRSS over their process trees each second, raw first, then a pause, then soakstorm.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAddressList } from '../src/cli/parse-values.js';
import type { RunSummary, TimelinePoint } from '../src/metrics/result.js';
import { median } from '../src/metrics/stats.js';
import { startLabProcess } from '../src/coordinator/lab-process.js';
import { onKillChildren, row, runChild, sleep, type BenchRow } from './harness.js';
import type { RawHeldParams, RawHeldResult } from './held-50k-raw.js';
import { killTree, sampleTrees, treeFds, type TreeSample } from './proc-tree.js';

/**
 * Settings of held-50k. BENCH_HELD_CLIENTS and BENCH_HELD_SECONDS shrink it for a quick check
 * (not SOAKSTORM_*: the CLI refuses SOAKSTORM_ variables it does not know); the ramp stays a
 * quarter of the load phase, as 20 s is of 80 s.
 */
export function heldSettings(env: NodeJS.ProcessEnv = process.env) {
  const clients = Number(env['BENCH_HELD_CLIENTS'] ?? 50_000);
  const loadMs = Number(env['BENCH_HELD_SECONDS'] ?? 80) * 1000;
  if (!(clients >= 1 && loadMs >= 4000)) throw new Error('BENCH_HELD_CLIENTS must be ≥ 1 and BENCH_HELD_SECONDS ≥ 4');
  return {
    clients,
    /** 3 × 16,667 stays under the 20,000 fd hard limit of each generator and lab process. */
    processes: 3,
    loadMs,
    rampUpMs: loadMs / 4,
    localAddresses: '127.0.0.2-127.0.0.5',
    /** --rate 0.1 with --rtt ping: one ping per client every 10 s. */
    rate: 0.1,
    connectTimeoutMs: 30_000,
    /** Linux keeps TIME_WAIT 60 s: after 50,000 closes, wait that out (scaled down for small runs). */
    pauseMs: Math.min(60_000, Math.max(3000, clients * 1.2)),
    closeCapMs: 30_000,
  };
}
type HeldSettings = ReturnType<typeof heldSettings>;

/** One side's figures, the same fields for soakstorm and raw. */
interface Side {
  opened: number;
  peakOpen: number;
  closed1000: number;
  /** Close code → count, every code seen. */
  closeCodes: Record<string, number>;
  failed: number;
  /** Seconds from t=0 until every connection was open; null if not all of them ever were. */
  allOpenS: number | null;
  /** Median whole-tree RSS over the held window (peak reached → close frames sent), bytes. */
  heldRssBytes: number | null;
  heldSamples: number;
  processes: number;
  detail: string;
}

/** Median tree RSS of the samples inside [fromMs, toMs] (epoch). */
function heldRss(samples: TreeSample[], fromMs: number, toMs: number): { bytes: number | null; n: number; processes: number } {
  const inside = samples.filter((s) => s.epochMs >= fromMs && s.epochMs <= toMs);
  return { bytes: inside.length > 0 ? median(inside.map((s) => s.rssBytes)) : null, n: inside.length, processes: Math.max(0, ...inside.map((s) => s.processes)) };
}

/** Raw side: P children of held-50k-raw.js started on one shared t=0, their trees sampled together. */
async function rawSide(url: string, s: HeldSettings, log: (line: string) => void): Promise<Side> {
  const pids: number[] = [];
  const sampler = sampleTrees(() => pids);
  const startAtEpochMs = Date.now() + 2000; // every child is up and listening by then
  const rawUrl = new URL('./held-50k-raw.js', import.meta.url).href;
  let results: RawHeldResult[];
  let samples: TreeSample[] = [];
  try {
    results = await Promise.all(
      Array.from({ length: s.processes }, (_, index) => {
        const params: RawHeldParams = {
          url,
          total: s.clients,
          index,
          processes: s.processes,
          localAddresses: parseAddressList(s.localAddresses),
          startAtEpochMs,
          rampUpMs: s.rampUpMs,
          loadMs: s.loadMs,
          pingEveryMs: 1000 / s.rate,
          connectTimeoutMs: s.connectTimeoutMs,
          closeCapMs: s.closeCapMs,
        };
        return runChild<RawHeldResult>(rawUrl, 'raw', params, s.loadMs + s.closeCapMs + 30_000, [], (pid) => pids.push(pid));
      }),
    );
  } finally {
    samples = sampler.stop();
  }
  const sum = (f: (r: RawHeldResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const closeCodes: Record<string, number> = {};
  for (const r of results) for (const [c, k] of Object.entries(r.closeCodes)) closeCodes[c] = (closeCodes[c] ?? 0) + k;
  const opened = sum((r) => r.opened);
  // Children ticked on one t=0, so second k of each adds up to the whole generator's level.
  const seconds = Math.max(...results.map((r) => r.openPerSecond.length));
  const peakOpen = Math.max(0, ...Array.from({ length: seconds }, (_, k) => sum((r) => r.openPerSecond[k] ?? 0)));
  const lastOpen = Math.max(...results.map((r) => r.lastOpenEpochMs));
  const closeStart = Math.min(...results.map((r) => r.closeStartEpochMs));
  const rss = heldRss(samples, lastOpen, closeStart);
  const detail = `pings ${sum((r) => r.pings)}, pongs ${sum((r) => r.pongs)}, unclosed at ${s.closeCapMs / 1000} s ${sum((r) => r.unclosed)}`;
  log(`held raw: opened ${opened}/${s.clients}, peak ${peakOpen}, closes ${JSON.stringify(closeCodes)}, ${detail}`);
  return {
    opened,
    peakOpen,
    closed1000: closeCodes['1000'] ?? 0,
    closeCodes,
    failed: sum((r) => r.failed),
    allOpenS: opened >= s.clients ? (lastOpen - startAtEpochMs) / 1000 : null,
    heldRssBytes: rss.bytes,
    heldSamples: rss.n,
    processes: rss.processes,
    detail,
  };
}

/** The soakstorm CLI's argument list for this bench (also shown in the docs). */
export function cliArgs(url: string, s: HeldSettings, outDir: string): string[] {
  return [
    'run', url, '--clients', String(s.clients), '--processes', String(s.processes), '--workers', '1',
    '--ramp-up', `${s.rampUpMs}ms`, '--duration', `${s.loadMs}ms`, '--rtt', 'ping', '--rate', String(s.rate),
    '--local-address', s.localAddresses, '--connect-timeout', `${s.connectTimeoutMs}ms`,
    '--baseline', '2s', '--cooldown', '3s', '--no-progress', '--out', outDir,
  ];
}

/** Soakstorm side: the real CLI in a child process; figures from its results folder. */
async function soakSide(url: string, s: HeldSettings, log: (line: string) => void): Promise<Side> {
  const outDir = mkdtempSync(join(tmpdir(), 'soakstorm-held-'));
  const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  // The user's SOAKSTORM_* settings must not change the bench's run: the CLI would read them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SOAKSTORM_')));
  const child = spawn(process.execPath, [main, ...cliArgs(url, s, outDir)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const pid = child.pid!;
  // Shards run in their own process groups and do not watch their parent: kill the whole tree.
  // On Ctrl-C the bench exits from its signal handler and the finally below never runs.
  const unhook = onKillChildren(() => {
    killTree(pid);
    rmSync(outDir, { recursive: true, force: true });
  });
  const sampler = sampleTrees(() => [pid]);
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-4000)));
  const capMs = s.loadMs + 120_000; // start, drain, closing 50,000, merging 3 shards and writing reports
  try {
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => killTree(pid), capMs);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const samples = sampler.stop();
    const runDir = readdirSync(outDir).map((d) => join(outDir, d))[0];
    if (!runDir) throw new Error(`soakstorm CLI exited ${code} without a results folder: ${output.trim().split('\n').slice(-2).join(' | ')}`);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    const timeline = readFileSync(join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelinePoint);
    const peakOpen = Math.max(0, ...timeline.map((p) => p.open));
    const allOpen = timeline.find((p) => p.open >= s.clients);
    const peakAt = timeline.find((p) => p.open === peakOpen);
    const lastSteady = timeline.filter((p) => p.phase === 'steady').at(-1);
    const rss = peakAt && lastSteady ? heldRss(samples, peakAt.ts, lastSteady.ts) : { bytes: null, n: 0, processes: 0 };
    // Codes as the raw side names them; who closed is added where it was not the client.
    const closeCodes: Record<string, number> = {};
    for (const c of summary.totals.closeCodes) {
      const key = c.by === 'client' ? c.code : `${c.code} by ${c.by}`;
      closeCodes[key] = (closeCodes[key] ?? 0) + c.count;
    }
    const counters = summary.totals.counters;
    const g = summary.generator;
    const health = g.saturated ? `generator saturated (${g.reason})` : 'generator healthy';
    const detail = `exit ${code}, ${summary.status} (${summary.stopReason}), ${health}, event loop p99 max ${g.eventLoopP99MaxMs.toFixed(0)} ms, reconnects ${counters.reconnects}, rtt samples ${counters.rtt_samples}`;
    log(`held soakstorm: opened ${counters.conn_opened}/${s.clients}, peak ${peakOpen}, closes ${JSON.stringify(closeCodes)}, ${detail}`);
    return {
      opened: counters.conn_opened,
      peakOpen,
      closed1000: summary.totals.closeCodes.filter((c) => String(c.code) === '1000').reduce((a, c) => a + c.count, 0),
      closeCodes,
      failed: counters.conn_failed,
      allOpenS: allOpen ? allOpen.t : null,
      heldRssBytes: rss.bytes,
      heldSamples: rss.n,
      processes: rss.processes,
      detail,
    };
  } finally {
    sampler.stop();
    unhook();
    killTree(pid);
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Waits until the lab's processes hold almost no sockets (the previous side's closes are done). */
async function labQuiet(labPid: number, capMs: number): Promise<void> {
  const until = performance.now() + capMs;
  while (treeFds(labPid) > 300 && performance.now() < until) await sleep(500);
}

const mb = (b: number | null): number | null => (b === null ? null : b / 2 ** 20);
const kb = (b: number | null, n: number): string => (b === null || n === 0 ? '—' : (b / 1024 / n).toFixed(1));

/** Parent: own lab, raw side, pause, soakstorm side, three rows. */
export async function benchHeld50k(log: (line: string) => void): Promise<BenchRow[]> {
  const s = heldSettings();
  const lab = await startLabProcess(['--processes', String(s.processes)]);
  log(`held-50k: ${s.clients} clients, ${s.loadMs / 1000} s load, ramp ${s.rampUpMs / 1000} s, lab pid ${lab.pid} (${s.processes} processes) at ${lab.wsUrl}`);
  let raw: Side;
  let soak: Side;
  try {
    raw = await rawSide(lab.wsUrl, s, log);
    // At least pauseMs, and longer (up to twice that) while the lab still holds the raw side's sockets.
    const pauseFrom = performance.now();
    await labQuiet(lab.pid, 2 * s.pauseMs);
    await sleep(s.pauseMs - (performance.now() - pauseFrom));
    soak = await soakSide(lab.wsUrl, s, log);
  } finally {
    await lab.stop();
  }
  const n = s.clients;
  const label = n.toLocaleString('en-US');
  const accounted = (x: Side): boolean => x.opened === n && x.peakOpen === n && x.closed1000 === n;
  const tally = (x: Side): string =>
    `${accounted(x) ? 'all accounted for' : 'NOT ALL ACCOUNTED FOR'}: opened ${x.opened}, peak open ${x.peakOpen}, closed 1000 ${x.closed1000}, failed ${x.failed}, close codes ${JSON.stringify(x.closeCodes)}`;
  const range = `${s.processes} processes each side, ramp ${s.rampUpMs / 1000} s, load ${s.loadMs / 1000} s, ping every ${1 / s.rate} s, source ${s.localAddresses}`;
  return [
    row(
      `held ${label} (${s.processes} processes): time to open all`,
      soak.allOpenS,
      raw.allOpenS,
      's',
      `from the shared t=0; soakstorm read per 1 s timeline line (an upper bound within 1 s), raw from its last 'open' event; null = not all opened; ${range}`,
    ),
    row(
      `held ${label}: RSS while held`,
      mb(soak.heldRssBytes),
      mb(raw.heldRssBytes),
      'MB',
      `median of 1 s readings of VmRSS summed over each generator's process tree, from peak open to the close frames (soakstorm ${soak.heldSamples} readings of ${soak.processes} processes, raw ${raw.heldSamples} of ${raw.processes}); whole tree / connections (fixed costs included) soakstorm ${kb(soak.heldRssBytes, n)} vs raw ${kb(raw.heldRssBytes, n)} KB`,
    ),
    row(
      `held ${label}: accounted for`,
      Math.min(soak.opened, soak.peakOpen, soak.closed1000),
      Math.min(raw.opened, raw.peakOpen, raw.closed1000),
      'conns',
      `least of opened / peak open / closed with 1000, ${label} expected. soakstorm ${tally(soak)}; ${soak.detail}. raw ${tally(raw)}; ${raw.detail}`,
    ),
  ];
}
