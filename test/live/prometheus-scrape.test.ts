// --prometheus scraped by a real Prometheus server (Debian's `prometheus`): after a short run
// against the lab, queries through its HTTP API give summary.json's totals, and
// histogram_quantile(0.99) of the RTT buckets lands within one bucket width of the HDR p99.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/server.js';
import { PROMETHEUS_BOUNDS_S } from '../../src/reporters/live/buckets.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { assertRan, freePort, onlySummary, shortRunArgs } from './live-helpers.js';
import { REPO_ROOT } from '../fixtures/paths.js';
import { tempDir } from '../helpers/temp.js';

const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';
const REQUIRED = process.env['SOAKSTORM_REQUIRE_PROMETHEUS'] === '1';

function havePrometheus(): boolean {
  try {
    accessSync(PROMETHEUS_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let lab: Lab;
let prometheus: ChildProcess | null = null;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  prometheus?.kill('SIGKILL');
  await lab.close();
});

/** Starts Prometheus scraping 127.0.0.1:`target` every second; resolves with its API base once ready. */
async function startPrometheus(target: number): Promise<string> {
  const dir = tempDir('prom');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: soakstorm\n    static_configs:\n      - targets: ['127.0.0.1:${target}']\n`);
  const port = await freePort();
  let log = '';
  prometheus = spawn(PROMETHEUS_BIN, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  prometheus.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (prometheus.exitCode !== null) break;
    const ok = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ok) return base;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Prometheus did not become ready within 30 s:\n${log}`);
}

/** One instant query; the vector's samples as label sets and numbers. */
async function query(base: string, promql: string, atSeconds?: number): Promise<{ metric: Record<string, string>; value: number }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}${atSeconds === undefined ? '' : `&time=${atSeconds}`}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', `${promql}: ${body.error ?? ''}`);
  return body.data.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
}

async function scalar(base: string, promql: string): Promise<number> {
  const rows = await query(base, promql);
  assert.equal(rows.length, 1, `${promql} gives one sample (got ${rows.length})`);
  return rows[0]!.value;
}

test('a real Prometheus scraping --prometheus sees the summary totals and the HDR p99', { timeout: 120_000 }, async (t) => {
  if (!havePrometheus()) {
    assert.ok(!REQUIRED, `SOAKSTORM_REQUIRE_PROMETHEUS=1 but ${PROMETHEUS_BIN} is missing: install Prometheus with \`apt-get install prometheus\``);
    console.log('skipped: install Prometheus with `apt-get install prometheus`');
    t.skip('install Prometheus with `apt-get install prometheus`');
    return;
  }
  const endpoint = await freePort();
  const base = await startPrometheus(endpoint);
  const out = tempResults();
  // The 4 s linger gives the 1 s scrape several chances to see the final values.
  const memory = ['--server-metrics', `${lab.url}/metrics`, '--baseline', '1s', '--cooldown', '2s'];
  const r = await runCli([...shortRunArgs(lab.wsUrl, out), ...memory, '--prometheus', `127.0.0.1:${endpoint}`, '--prometheus-linger', '4s'], 60_000);
  assertRan(r);
  assert.match(r.stderr, new RegExp(`Prometheus metrics at http://127\\.0\\.0\\.1:${endpoint}/metrics`));
  const summary = onlySummary(out);
  const run = `run_id="${summary.runId}",shard="1/1"`;
  // The endpoint is gone now, so series are stale at "now": read each one's last scraped value.
  const last = (metric: string, extra = ''): string => `last_over_time(${metric}{${run}${extra}}[10m])`;
  assert.equal(await scalar(base, last('soakstorm_phase', ',phase="finished",profile="all"')), 1, 'the last scrape saw the finished run');

  const c = summary.totals.counters;
  const [attempts, sent, received] = [
    await scalar(base, `sum(${last('soakstorm_connection_attempts_total')})`),
    await scalar(base, `sum(${last('soakstorm_messages_sent_total')})`),
    await scalar(base, `sum(${last('soakstorm_messages_received_total')})`),
  ];
  console.log(`Prometheus vs summary.json: attempts ${attempts}/${c.conn_attempted}, sent ${sent}/${c.msgs_sent}, received ${received}/${c.msgs_received}`);
  assert.equal(attempts, c.conn_attempted);
  assert.equal(sent, c.msgs_sent);
  assert.equal(received, c.msgs_received);
  assert.equal(await scalar(base, `sum(${last('soakstorm_seq_gaps_total')})`), c.seq_gaps);
  assert.equal(await scalar(base, `sum(${last('soakstorm_connections_open')})`), c.open_now);
  assert.ok(c.msgs_sent > 0 && c.msgs_received > c.msgs_sent, 'the run echoed and pushed');
  for (const profile of ['fast', 'slow'] as const) {
    assert.equal(await scalar(base, `sum(${last('soakstorm_messages_received_total', `,profile="${profile}"`)})`), summary.profiles[profile]!.counters.msgs_received, `${profile} received`);
  }
  const closes = await query(base, `sum by (code, by) (${last('soakstorm_closes_total')})`);
  assert.deepEqual(
    closes.map((s) => `${s.metric['code']}/${s.metric['by']}=${s.value}`).sort(),
    summary.totals.closeCodes.map((x) => `${x.code}/${x.by}=${x.count}`).sort(),
  );

  for (const [name, source] of [['soakstorm_rtt_seconds', 'rtt'], ['soakstorm_push_lag_seconds', 'lag']] as const) {
    const hdr = summary.totals.latency[source];
    assert.ok(hdr.count > 0, `${source} has data`);
    assert.equal(await scalar(base, `sum(${last(`${name}_count`)})`), hdr.count, `${name} count`);
    const p99 = await scalar(base, `histogram_quantile(0.99, sum by (le) (${last(`${name}_bucket`)}))`);
    const hdrP99 = hdr.p99Ms / 1000;
    const i = PROMETHEUS_BOUNDS_S.findIndex((b) => b >= hdrP99);
    const width = i < 0 ? Infinity : PROMETHEUS_BOUNDS_S[i]! - (i > 0 ? PROMETHEUS_BOUNDS_S[i - 1]! : 0);
    console.log(`${name}: histogram_quantile(0.99) ${p99} s, HDR p99 ${hdrP99} s, bucket width ${width} s`);
    assert.ok(Math.abs(p99 - hdrP99) <= width, `${name}: histogram_quantile ${p99} s within ${width} s of HDR p99 ${hdrP99} s`);
  }
  // Server memory: the last sample the run took (the lab's RSS, through --server-metrics).
  const points = readFileSync(join(out, summary.runId, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { server?: { bytes?: number } });
  const lastBytes = points.filter((p) => p.server?.bytes !== undefined).pop()?.server?.bytes;
  assert.ok(lastBytes !== undefined && lastBytes > 0, 'the run sampled server memory');
  assert.equal(await scalar(base, last('soakstorm_server_memory_bytes', ',profile="all"')), lastBytes);
  assert.ok((await scalar(base, last('soakstorm_generator_event_loop_p99_seconds', ',profile="all"'))) >= 0);

  // The Grafana dashboard: every panel query runs, and every panel but errors (none here) has data.
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/soakstorm.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const at = Date.parse(summary.endedAt) / 1000 + 2; // inside the linger: the last scrapes
  let queries = 0;
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      const promql = target.expr.replaceAll('$run_id', summary.runId).replaceAll('$shard', '.*').replaceAll('$profile', '.*').replaceAll('$__rate_interval', '30s');
      const rows = await query(base, promql, at);
      queries++;
      if (!panel.title.startsWith('Errors')) assert.ok(rows.length > 0, `dashboard panel "${panel.title}" has data: ${promql}`);
    }
  }
  assert.ok(queries >= 15, `dashboard queries checked: ${queries}`);
});
