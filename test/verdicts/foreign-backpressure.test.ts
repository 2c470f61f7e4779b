// Issue 11 case 1, both ways, against plain `ws` broadcast servers that ignore the subscribe
// message: 2 KB {seq, ts, …} JSON 200 times a second to every client. The unbounded one keeps
// every byte for slow readers and must fail with the evidence per slow client and per minute;
// its twin that terminates clients past 1 MB buffered sheds them and passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakForeign, verdictOf } from './foreign-soak.js';

const KB = 1024;
const MB = 1024 * KB;
const STREAM = { ratePerSec: 200, messageBytes: 2 * KB };
// A third fast readers (they measure the stream), two thirds slow readers at the default 16 KB/s.
// 50 s: each slow reader falls ≈19 MB behind, past the ≈14 MB loopback kernel buffers hold.
const RUN = { clients: 12, mix: [33, 67, 0, 0], durationMs: 50_000, rampUpMs: 1000, baselineMs: 2000, cooldownMs: 0 };

test('backpressure: a broadcast server that never checks bufferedAmount fails, with bytes per slow client and MB/min', async () => {
  const { summary } = await soakForeign('broadcast', { ...STREAM, shedAboveBytes: 0 }, RUN);
  const bp = verdictOf(summary, 'backpressure');
  assert.equal(bp.status, 'fail', bp.summary);
  assert.match(bp.summary, /^the server keeps every byte for slow consumers: /);
  assert.match(bp.summary, /none was dropped or disconnected/);
  const e = bp.evidence;
  // What the server sent, as fast readers received it (not --push-rate × --push-size): 200 × 2 KB/s.
  assert.equal(e['streamMeasuredOn'], 'fast');
  const rate = e['streamBytesPerSecPerSubscriber'] as number;
  assert.ok(rate > 250 * KB && rate < 450 * KB, `stream ${rate} B/s per subscriber`);
  assert.ok((e['meanMessageBytes'] as number) > 2000 && (e['meanMessageBytes'] as number) < 2100);
  assert.ok((e['backlogBytesPerSlowClient'] as number) > 8 * MB, `backlog ${e['backlogBytesPerSlowClient']} B per slow client`);
  assert.ok((e['drainedBytesPerSlowClient'] as number) > 4 * MB, `drained ${e['drainedBytesPerSlowClient']} B per slow client`);
  assert.ok((e['backlogBytesPerMin'] as number) > 100 * MB, `backlog ${e['backlogBytesPerMin']} B/min`);
  // The lab's subscribe figure (20 × 1 KB/s) is kept only for comparison and is far below.
  assert.ok((e['bytesAskedForBySubscribe'] as number) < (e['owedBytes'] as number) / 5);
});

test('backpressure: the same broadcast shedding clients past 1 MB buffered passes', async () => {
  const { summary, stats } = await soakForeign('broadcast', { ...STREAM, shedAboveBytes: MB }, RUN);
  assert.ok(stats['shed']! > 0, 'the server shed slow clients');
  const bp = verdictOf(summary, 'backpressure');
  assert.equal(bp.status, 'pass', bp.summary);
  assert.match(bp.summary, /^the server sheds slow consumers instead of buffering: \d+ disconnected/);
});
