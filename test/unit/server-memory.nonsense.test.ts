// Memory samplers reject nonsense a server publishes (negative, NaN, 1e308, hex strings) as
// failed samples with the value in the error (which becomes lastError), never as a data point.
// A real HTTP server on 127.0.0.1:0 serves one nonsense page per path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemorySampler, type MemorySampler } from '../../src/metrics/server-memory.js';
import { MemorySampling } from '../../src/coordinator/memory-sampling.js';

const PROM: Record<string, string> = {
  negative: '-52428800',
  nan: 'NaN',
  huge: '1e308',
  inf: '+Inf',
  hex: '0x3200000',
};
const JSON_VALUES: Record<string, unknown> = {
  negative: -12,
  huge: 1e308,
  hex: '0x1F',
  text: 'lots',
  nanString: 'NaN',
};

let server: Server;
let base = '';
const samplers: MemorySampler[] = [];

before(async () => {
  server = createServer((req, res) => {
    const [, kind, key] = req.url!.split('/');
    if (kind === 'prom') res.end(`process_resident_memory_bytes ${PROM[key!]}\n`);
    else res.end(`{"heap_used_mb": ${JSON.stringify(JSON_VALUES[key!])}}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of samplers) await s.close();
  await new Promise<void>((r) => server.close(() => r()));
});

for (const [key, raw] of Object.entries(PROM)) {
  test(`a Prometheus value of ${raw} is a failed sample naming it`, async () => {
    const s = createMemorySampler({ kind: 'prometheus', url: `${base}/prom/${key}` });
    samplers.push(s);
    const r = await s.sample();
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.startsWith('process_resident_memory_bytes at http://127.0.0.1:'), JSON.stringify(r));
    assert.ok(!r.ok && r.error.includes('rejected:'), JSON.stringify(r));
    const shown = key === 'nan' ? 'NaN' : key === 'inf' ? 'Infinity' : key === 'hex' ? '"0x3200000"' : raw === '1e308' ? '1e+308' : raw;
    assert.ok(!r.ok && r.error.includes(shown), `${JSON.stringify(r)} should name ${shown}`);
  });
}

for (const [key, raw] of Object.entries(JSON_VALUES)) {
  test(`a JSON value of ${JSON.stringify(raw)} is a failed sample naming it`, async () => {
    const s = createMemorySampler({ kind: 'json', url: `${base}/json/${key}`, jsonPath: 'heap_used_mb', unit: 'MB' });
    samplers.push(s);
    const r = await s.sample();
    assert.equal(r.ok, false);
    const shown = typeof raw === 'string' ? JSON.stringify(raw) : raw === 1e308 ? '1e+308' : String(raw);
    assert.ok(!r.ok && r.error.includes(`heap_used_mb at ${base}/json/${key} rejected: ${shown}`), JSON.stringify(r));
  });
}

test('the failures reach the run record: failedSamples counted, the value in lastError, no sample kept', async () => {
  const s = createMemorySampler({ kind: 'prometheus', url: `${base}/prom/huge` });
  const m = new MemorySampling(s, Date.now(), () => 'steady', () => 0, () => {});
  m.start();
  await new Promise((r) => setTimeout(r, 1500));
  const rec = await m.stop();
  assert.ok(rec.failedSamples >= 1);
  assert.equal(rec.samples.length, 0);
  assert.match(rec.lastError ?? '', /rejected: 1e\+308 is over 64 TiB/);
});
