// LiveState and the Prometheus exposition from synthetic merged data: every label the issue
// names, close codes and error codes as labels, run-wide series under profile="all".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSED_BY, COUNTER, COUNTERS_LENGTH, HISTOGRAMS, PROFILES, closeIndex, errorIndex, scalarIndex } from '../../src/protocol.js';
import { closeSlot, errorSlot } from '../../src/metrics/close-codes.js';
import { createHistogram } from '../../src/metrics/histogram.js';
import type { TimelinePoint } from '../../src/metrics/result.js';
import { LiveState } from '../../src/reporters/live/live-state.js';
import { PrometheusEndpoint } from '../../src/reporters/live/prometheus.js';

const FAST = PROFILES.indexOf('fast');
const STORM = PROFILES.indexOf('storm');

function point(over: Partial<TimelinePoint> = {}): TimelinePoint {
  return {
    t: 3, ts: 0, phase: 'steady', open: 0, attempted: 0, opened: 0, failed: 0, closed: 0, sent: 0, received: 0, bytesReceived: 0,
    errors: 0, closes: {}, rtt: { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 }, lagP99Ms: 0, openByProfile: {}, eventLoopP99Ms: 12.345,
    ...over,
  };
}

test('closes, errors, rtt buckets and run-wide gauges come out labelled as the issue lists them', async () => {
  const counters = new Float64Array(COUNTERS_LENGTH);
  counters[scalarIndex(FAST, COUNTER.CONN_ATTEMPTED)] = 7;
  counters[scalarIndex(STORM, COUNTER.OPEN_NOW)] = 3;
  counters[closeIndex(STORM, closeSlot(1006), CLOSED_BY.indexOf('abnormal'))] = 4;
  counters[closeIndex(FAST, closeSlot(4003), CLOSED_BY.indexOf('server'))] = 2;
  counters[errorIndex(FAST, errorSlot('ECONNREFUSED'))] = 5;
  const grid = HISTOGRAMS.map(() => PROFILES.map(() => createHistogram()).concat([createHistogram()]));
  const rtt = grid[HISTOGRAMS.indexOf('rtt')]![FAST]!;
  for (const us of [50, 150, 150, 90_000]) rtt.recordValue(us);

  const state = new LiveState({ runId: 'r1', shard: '2/3', version: 'test', profiles: ['fast', 'storm'] });
  state.update(point({ server: { bytes: 123456 } }), counters, grid);
  const endpoint = new PrometheusEndpoint(state);
  endpoint.update();
  const text = await endpoint.registry.metrics();
  const has = (line: string): void => assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  has('soakstorm_connection_attempts_total{profile="fast",run_id="r1",shard="2/3"} 7');
  has('soakstorm_connection_attempts_total{profile="storm",run_id="r1",shard="2/3"} 0');
  has('soakstorm_connections_open{profile="storm",run_id="r1",shard="2/3"} 3');
  has('soakstorm_closes_total{profile="storm",run_id="r1",shard="2/3",code="1006",by="abnormal"} 4');
  has('soakstorm_closes_total{profile="fast",run_id="r1",shard="2/3",code="4xxx",by="server"} 2');
  has('soakstorm_errors_total{profile="fast",run_id="r1",shard="2/3",code="ECONNREFUSED"} 5');
  has('soakstorm_server_memory_bytes{profile="all",run_id="r1",shard="2/3"} 123456');
  has('soakstorm_generator_event_loop_p99_seconds{profile="all",run_id="r1",shard="2/3"} 0.012345');
  has('soakstorm_phase{profile="all",run_id="r1",shard="2/3",phase="steady"} 1');
  has('soakstorm_phase{profile="all",run_id="r1",shard="2/3",phase="finished"} 0');
  has('# TYPE soakstorm_rtt_seconds histogram');
  has('soakstorm_rtt_seconds_bucket{profile="fast",run_id="r1",shard="2/3",le="0.0001"} 1');
  has('soakstorm_rtt_seconds_bucket{profile="fast",run_id="r1",shard="2/3",le="0.000158"} 3');
  has('soakstorm_rtt_seconds_bucket{profile="fast",run_id="r1",shard="2/3",le="+Inf"} 4');
  has('soakstorm_rtt_seconds_count{profile="fast",run_id="r1",shard="2/3"} 4');
  has('soakstorm_push_lag_seconds_count{profile="storm",run_id="r1",shard="2/3"} 0');
  assert.doesNotMatch(text, /profile="(slow|sleepy)"/, 'profiles without clients have no series');
  assert.doesNotMatch(text, /quantile|_p99_seconds\{profile="(fast|storm)"/, 'no percentile gauges per profile');

  state.finish();
  endpoint.update();
  const after = await endpoint.registry.metrics();
  assert.ok(after.includes('soakstorm_phase{profile="all",run_id="r1",shard="2/3",phase="finished"} 1'));
  assert.ok(after.includes('soakstorm_errors_total{profile="fast",run_id="r1",shard="2/3",code="ECONNREFUSED"} 5'), 'finishing keeps the totals');
  for (const row of grid) for (const h of row) h.destroy();
});
