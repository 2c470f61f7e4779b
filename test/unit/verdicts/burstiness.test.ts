// Burstiness verdict both ways: events flushed in clumps fail and name the clump size and flush
// interval; one-at-a-time delivery and a server's own fine-grained batching pass; too few events,
// WebSocket runs and runs without reading clients are inconclusive. Histograms are real encodings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileName } from '../../../src/protocol.js';
import type { ProfileMetrics, RunSummary } from '../../../src/metrics/result.js';
import { createHistogram, encodeHistogram } from '../../../src/metrics/histogram.js';
import { burstinessVerdict } from '../../../src/metrics/verdicts/burstiness.js';
import { input, profile, summary } from './fixtures.js';

interface Stream {
  /** Events per connection. */
  events: number;
  /** Events per flush (1 = no clumping) and µs between flushes. */
  clump: number;
  everyUs: number;
  connections: number;
}

/** What a worker would record for connections fed by `s`: eventGap values, clumped count. */
function record(s: Stream): { gapsUs: number[]; clumped: number; events: number } {
  let flushes = 0;
  const gapsUs: number[] = [];
  let clumped = 0;
  for (let c = 0; c < s.connections; c++) {
    for (let i = 1; i < s.events; i++) {
      // Flush gaps spread ±2% around the interval, as timers do.
      if (i % s.clump === 0) gapsUs.push(s.everyUs * (1 + ((flushes++ % 5) - 2) * 0.01));
      else {
        gapsUs.push(0);
        clumped++;
      }
    }
  }
  return { gapsUs, clumped, events: s.events * s.connections };
}

function run(byProfile: Partial<Record<ProfileName, Stream>>, driver: RunSummary['target']['driver'] = 'sse') {
  const profiles: Partial<Record<ProfileName, ProfileMetrics>> = {};
  const histograms: RunSummary['histograms'] = {};
  for (const [name, s] of Object.entries(byProfile) as [ProfileName, Stream][]) {
    const rec = record(s);
    const h = createHistogram();
    for (const v of rec.gapsUs) h.recordValue(Math.round(v));
    profiles[name] = profile(s.connections, { msgs_received: rec.events, events_clumped: rec.clumped });
    histograms[name] = { eventGap: encodeHistogram(h) } as RunSummary['histograms'][string];
  }
  return burstinessVerdict(input({ summary: summary({ profiles, histograms, target: { url: 'http://127.0.0.1:1/sse', driver } }) }));
}

test('events held and flushed together every 500 ms fail, naming clump size and interval', () => {
  const v = run({ fast: { events: 100, clump: 10, everyUs: 500_000, connections: 20 } });
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'events arrive in bursts of ≈10 every ≈500 ms: something in the path buffers the stream (proxy buffering, gzip without flush)');
  assert.equal(v.evidence['gapP50Ms'], 0);
  assert.ok(Math.abs((v.evidence['flushIntervalMs'] as number) - 500) < 15);
  assert.ok((v.evidence['clumpedFraction'] as number) > 0.85);
  assert.deepEqual(v.caveats, [
    "91% of 1980 events (after each stream's first) came in the same read as the previous one",
    'a server that batches its own writes this rarely looks the same: compare against its direct address',
  ]);
});

test('storm clients count as readers; slow and sleepy clumps are ignored', () => {
  const fail = run({ storm: { events: 60, clump: 4, everyUs: 2_000_000, connections: 10 }, slow: { events: 50, clump: 1, everyUs: 50_000, connections: 10 } });
  assert.equal(fail.status, 'fail');
  assert.match(fail.summary, /^events arrive in bursts of ≈4 every ≈20\d\d ms/);
  const pass = run({ fast: { events: 100, clump: 1, everyUs: 50_000, connections: 10 }, sleepy: { events: 100, clump: 20, everyUs: 5_000_000, connections: 10 } });
  assert.equal(pass.status, 'pass');
  assert.equal(pass.evidence['profiles'], 'fast');
});

test('events one at a time pass with the clumped share and gap', () => {
  const v = run({ fast: { events: 200, clump: 1, everyUs: 50_000, connections: 5 } });
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'events arrive one at a time: 0% shared a read with the previous event (gap p50 50 ms)');
});

test('a server batching its own writes on a 10 ms tick is not a buffering path', () => {
  const v = run({ fast: { events: 400, clump: 5, everyUs: 10_000, connections: 5 } });
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, "events arrive in small batches every ≈10 ms: the server's own write batching, no buffering in the path");
});

test('too few events, no readers, or a WebSocket run are not judged', () => {
  const few = run({ fast: { events: 20, clump: 10, everyUs: 500_000, connections: 5 } });
  assert.equal(few.status, 'inconclusive');
  assert.equal(few.summary, 'not judged: only 95 gaps between stream events on fast and storm clients (need 200)');
  const noReaders = run({ slow: { events: 500, clump: 10, everyUs: 500_000, connections: 5 } });
  assert.equal(noReaders.status, 'inconclusive');
  assert.equal(noReaders.summary, 'not judged: no fast or storm clients read streams in this run (slow and sleepy readers clump by design)');
  const ws = run({ fast: { events: 100, clump: 10, everyUs: 500_000, connections: 20 } }, 'ws');
  assert.equal(ws.status, 'inconclusive');
  assert.equal(ws.summary, 'not judged: burstiness is measured on SSE and NDJSON streams');
});
