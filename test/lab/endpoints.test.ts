// The lab's self-reporting endpoints: /metrics parses as Prometheus text (0.0.4) and tracks open
// connections; /debug/memory has the documented JSON fields; /healthz, the index and 404s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../src/lab/server.js';
import { request } from 'undici';
import { closed, getText, openWs, waitFor } from '../helpers/lab.js';

let lab: Lab;
before(async () => {
  lab = await startLab();
});
after(() => lab.close());

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\.)*",?)*\\})? (-?[0-9.e+]+|NaN|[+-]Inf)$`);

/** Strict reader of the Prometheus text format: every sample's family typed first, once. */
function parsePrometheus(text: string): Map<string, number> {
  assert.ok(text.endsWith('\n'), 'exposition ends with a newline');
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (meta !== null) {
      assert.match(meta[2]!, new RegExp(`^${NAME}$`));
      if (meta[1] === 'TYPE') {
        assert.ok(!types.has(meta[2]!), `TYPE ${meta[2]} once`);
        assert.ok(['gauge', 'counter', 'untyped', 'histogram', 'summary'].includes(meta[3]!));
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `sample line parses: ${line}`);
    assert.ok(types.has(m[1]!), `family ${m[1]} has a TYPE before its samples`);
    samples.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return samples;
}

test('/metrics is Prometheus text with process, heap, external and open-connection gauges', async () => {
  const ws = await openWs(lab.wsUrl);
  const res = await getText(`${lab.url}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.type, 'text/plain; version=0.0.4; charset=utf-8');
  const samples = parsePrometheus(res.text);
  for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes']) {
    assert.ok((samples.get(name) ?? 0) > 0, `${name} > 0`);
  }
  assert.equal(samples.get('soakstorm_lab_open_connections'), 1);
  assert.equal(samples.get('soakstorm_lab_open_connections_by_kind{kind="ws"}'), 1);
  ws.terminate();
  await waitFor(2000, 'close seen', () => lab.stats.connectionsOpen === 0);
  const after = parsePrometheus((await getText(`${lab.url}/metrics`)).text);
  assert.equal(after.get('soakstorm_lab_open_connections'), 0);
  assert.ok((after.get('soakstorm_lab_connections_total') ?? 0) >= 1);
});

test('/metrics labels refusals by status and closes by code', async () => {
  const mixed = await startLab({ rejectRate: 0.5, rejectStatus: 403, closeAfterMs: 100, closeCodes: [{ code: 4001, weight: 1 }] });
  try {
    let refused = 0;
    for (let i = 0; i < 6; i++) if ((await getText(`${mixed.url}/sse?rate=1`)).status === 403) refused++;
    let accepted: Awaited<ReturnType<typeof openWs>> | null = null;
    for (let i = 0; i < 20 && accepted === null; i++) accepted = await openWs(mixed.wsUrl).catch(() => null);
    assert.ok(accepted !== null);
    assert.equal((await closed(accepted, 0)).code, 4001);
    const samples = parsePrometheus((await getText(`${mixed.url}/metrics`)).text);
    assert.equal(samples.get('soakstorm_lab_rejected_total{status="403"}'), mixed.stats.rejected[403]);
    assert.ok(mixed.stats.rejected[403]! >= refused && refused > 0);
    assert.equal(samples.get('soakstorm_lab_server_closes_total{code="4001"}'), 1);
  } finally {
    await mixed.close();
  }
});

test('/debug/memory has heap_used_mb, heap_total_mb, external_mb, rss_mb, connections, uptime_hours', async () => {
  const res = await getText(`${lab.url}/debug/memory`);
  assert.equal(res.status, 200);
  assert.equal(res.type, 'application/json');
  const doc = JSON.parse(res.text) as Record<string, number>;
  for (const key of ['heap_used_mb', 'heap_total_mb', 'external_mb', 'rss_mb', 'connections', 'uptime_hours']) {
    assert.equal(typeof doc[key], 'number', key);
  }
  assert.ok(doc.rss_mb! > doc.heap_used_mb!);
  assert.ok(doc.uptime_hours! >= 0 && doc.uptime_hours! < 1);
});

test('/healthz answers ok; unknown paths 404; POST 405', async () => {
  assert.deepEqual(await getText(`${lab.url}/healthz`), { status: 200, type: 'text/plain; charset=utf-8', text: 'ok\n' });
  const missing = await getText(`${lab.url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.text, 'soakstorm lab: no route /nope; GET / lists them\n');
  const index = await getText(`${lab.url}/`);
  assert.match(index.text, /GET \/sse\?rate=N&size=B/);
  const post = await request(`${lab.url}/healthz`, { method: 'POST', body: 'x' });
  assert.equal(post.statusCode, 405);
  await post.body.dump();
});
