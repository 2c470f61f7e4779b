// --otlp against an in-test OTLP/HTTP receiver: the JSON payloads carry the resource, the
// counters with the summary's totals and RTT / push lag as exponential histograms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startLab, type Lab } from '../../src/lab/server.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { assertRan, freePort, onlySummary, shortRunArgs } from './live-helpers.js';

interface KeyValue { key: string; value: { stringValue?: string; intValue?: number | string; doubleValue?: number } }
interface NumberPoint { attributes: KeyValue[]; asInt?: number | string; asDouble?: number }
interface ExpPoint {
  attributes: KeyValue[];
  count: number | string;
  scale: number;
  zeroCount: number | string;
  positive?: { offset?: number; bucketCounts?: (number | string)[] };
}
interface Metric {
  name: string;
  unit?: string;
  sum?: { dataPoints: NumberPoint[]; isMonotonic?: boolean };
  gauge?: { dataPoints: NumberPoint[] };
  exponentialHistogram?: { dataPoints: ExpPoint[] };
}
interface Payload { resourceMetrics: { resource: { attributes: KeyValue[] }; scopeMetrics: { metrics: Metric[] }[] }[] }

const attr = (kvs: KeyValue[], key: string): string | number | undefined => {
  const v = kvs.find((kv) => kv.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.doubleValue);
};
const value = (p: NumberPoint): number => Number(p.asInt ?? p.asDouble ?? 0);

let lab: Lab;
let receiver: Server;
let receiverUrl: string;
const payloads: { path: string; contentType: string; body: Payload }[] = [];

before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      payloads.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Payload });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
after(async () => {
  await lab.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

test('--otlp pushes every tick and at the end; the last push equals summary.json', { timeout: 90_000 }, async () => {
  const out = tempResults();
  const r = await runCli([...shortRunArgs(lab.wsUrl, out), '--otlp', receiverUrl], 60_000);
  assertRan(r);
  const summary = onlySummary(out);
  assert.ok(payloads.length >= 4, `a push per tick plus a final one (got ${payloads.length})`);
  assert.ok(payloads.every((p) => p.path === '/v1/metrics' && p.contentType.startsWith('application/json')), 'OTLP/HTTP JSON to the standard path');

  const last = payloads[payloads.length - 1]!.body.resourceMetrics[0]!;
  assert.equal(attr(last.resource.attributes, 'service.name'), 'soakstorm');
  assert.equal(attr(last.resource.attributes, 'soakstorm.run_id'), summary.runId);
  assert.equal(attr(last.resource.attributes, 'soakstorm.shard'), '1/1');
  const metrics = new Map(last.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.name, m]));

  const total = (name: string): number => {
    const m = metrics.get(name);
    assert.ok(m?.sum, `${name} is a sum`);
    assert.equal(m.sum.isMonotonic, true, `${name} is monotonic`);
    for (const p of m.sum.dataPoints) assert.equal(attr(p.attributes, 'run_id'), summary.runId);
    return m.sum.dataPoints.reduce((s, p) => s + value(p), 0);
  };
  const c = summary.totals.counters;
  assert.equal(total('soakstorm_connection_attempts'), c.conn_attempted);
  assert.equal(total('soakstorm_messages_sent'), c.msgs_sent);
  assert.equal(total('soakstorm_messages_received'), c.msgs_received);
  assert.equal(total('soakstorm_seq_gaps'), c.seq_gaps);
  assert.equal(total('soakstorm_closes'), summary.totals.closeCodes.reduce((s, x) => s + x.count, 0));
  assert.ok(c.msgs_sent > 0 && c.msgs_received > c.msgs_sent, 'the run echoed and pushed');

  const phase = metrics.get('soakstorm_phase')!.gauge!.dataPoints.find((p) => attr(p.attributes, 'phase') === 'finished');
  assert.equal(phase && value(phase), 1, 'the final push says finished');

  for (const [name, source] of [['soakstorm_rtt_seconds', 'rtt'], ['soakstorm_push_lag_seconds', 'lag']] as const) {
    const m = metrics.get(name);
    assert.ok(m?.exponentialHistogram, `${name} is an exponential histogram`);
    assert.equal(m.unit, 's');
    const points = m.exponentialHistogram.dataPoints;
    const count = points.reduce((s, p) => s + Number(p.count), 0);
    const hdr = summary.totals.latency[source];
    assert.equal(count, hdr.count, `${name} count equals summary`);
    assert.ok(count > 0, `${name} has data`);
    // The p99 read from the exponential buckets lands in the bucket holding the HDR p99.
    const merged = new Map<number, number>();
    let zero = 0;
    for (const p of points) {
      assert.equal(p.scale, 3);
      zero += Number(p.zeroCount);
      (p.positive?.bucketCounts ?? []).forEach((n, i) => merged.set((p.positive?.offset ?? 0) + i, (merged.get((p.positive?.offset ?? 0) + i) ?? 0) + Number(n)));
    }
    const indexes = [...merged.keys()].sort((a, b) => a - b);
    assert.equal(zero + indexes.reduce((s, i) => s + merged.get(i)!, 0), count, `${name} buckets add up to its count`);
    const rank = Math.ceil(0.99 * count);
    let seen = zero;
    const bucket = indexes.find((i) => (seen += merged.get(i)!) >= rank)!;
    const base = 2 ** (2 ** -3);
    const p99s = hdr.p99Ms / 1000;
    // HDR resolution is 0.1%: the p99's bin may reach just past a bucket edge.
    assert.ok(p99s > base ** bucket * 0.999 && p99s <= base ** (bucket + 1) * 1.001, `${name}: HDR p99 ${p99s}s in bucket ${bucket} (${base ** bucket}..${base ** (bucket + 1)} s)`);
  }
});

test('an unreachable OTLP receiver never fails the run: one warning line names it', { timeout: 90_000 }, async () => {
  const port = await freePort();
  const out = tempResults();
  const r = await runCli(['run', lab.wsUrl, '-c', '4', '-d', '2s', '--ramp-up', '500ms', '--no-progress', '--out', out, '--otlp', `http://127.0.0.1:${port}/v1/metrics`], 60_000);
  assertRan(r);
  assert.match(r.stderr, new RegExp(`soakstorm: warning: (\\d+) of \\1 OTLP exports to http://127\\.0\\.0\\.1:${port}/v1/metrics failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\n`));
  assert.equal(onlySummary(out).status, 'completed');
});
