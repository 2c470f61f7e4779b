// Every profile once per transport, from one table: the same client core drives fast, slow,
// sleepy, storm and idle over WebSocket, SSE and NDJSON against the lab. Each row states what the
// profile must do on every transport and, where a transport cannot do something (send, ping),
// what its documented fallback does instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../../src/lab/server.js';
import { runSoak } from '../../../src/coordinator/run.js';
import { PROFILES, type DriverName, type ProfileName } from '../../../src/protocol.js';
import type { ProfileMetrics } from '../../../src/metrics/result.js';
import { labRunOptions } from '../../helpers/run-options.js';

const CLIENTS = 4;
const DURATION_MS = 2500;

type Over = NonNullable<Parameters<typeof labRunOptions>[1]>;
interface Row {
  profile: ProfileName;
  over: Over;
  check(s: ProfileMetrics, driver: DriverName, canSend: boolean): void;
}

const TABLE: Row[] = [
  {
    profile: 'fast',
    over: { profile: { ratePerSec: 20 } },
    check(s, _driver, canSend) {
      const c = s.counters;
      if (canSend) {
        assert.ok(c.rtt_samples > 10, `echoes timed: ${c.rtt_samples}`);
        assert.equal(c.rtt_failed, 0);
      } else {
        // Fallback on a read-only transport: a full-speed reader, nothing sent, nothing timed.
        assert.equal(c.msgs_sent, 0);
        assert.equal(c.rtt_samples, 0);
        assert.ok(c.push_received > 10, `pushes read: ${c.push_received}`);
      }
    },
  },
  {
    profile: 'slow',
    over: { profile: { pushRate: 50, pushBytes: 1024, slowReadBytesPerSec: 4096 } },
    check(s) {
      const c = s.counters;
      assert.ok(c.push_received > 0, 'subscribed and read pushes');
      assert.ok(c.bytes_expected > 0, 'the owed bytes are known (lab rate)');
      const readInRun = c.bytes_received - c.bytes_drained;
      assert.ok(readInRun < c.bytes_expected / 2, `throttled: read ${readInRun} B in the run of ${c.bytes_expected} B owed`);
    },
  },
  {
    profile: 'sleepy',
    over: { profile: { awakeMs: 400, asleepMs: 400, sleepJitterPct: 0, vanishPct: 0 } },
    check(s) {
      const c = s.counters;
      assert.ok(c.sleeps >= CLIENTS, `slept: ${c.sleeps}`);
      assert.ok(c.woke_open >= CLIENTS, `woke to an open connection: ${c.woke_open}`);
      assert.equal(c.vanished, 0);
    },
  },
  {
    profile: 'storm',
    over: { profile: { stormAtMs: [1000], reconnect: 'immediate', ratePerSec: 5 } },
    check(s) {
      const c = s.counters;
      assert.equal(c.storms, 1);
      assert.equal(c.reconnects, CLIENTS, 'every storm client came back');
      assert.equal(s.latency.lifetime.count, 0, 'the drops were ours');
    },
  },
  {
    profile: 'idle',
    over: {},
    check(s) {
      const c = s.counters;
      assert.equal(c.conn_opened, CLIENTS);
      assert.equal(c.msgs_sent, 0, 'an idle client sends nothing');
      assert.equal(c.cut_after_ping + c.cut_no_ping + c.silence_unknown, 0, 'nothing cut it');
    },
  },
];

const TRANSPORTS: { driver: DriverName; url(lab: Lab): string; canSend: boolean }[] = [
  { driver: 'ws', url: (lab) => lab.wsUrl, canSend: true },
  { driver: 'sse', url: (lab) => `sse+${lab.url}/sse`, canSend: false },
  { driver: 'ndjson', url: (lab) => `ndjson+${lab.url}/ndjson`, canSend: false },
];

for (const t of TRANSPORTS) {
  for (const row of TABLE) {
    test(`${row.profile} over ${t.driver}`, async () => {
      const lab = await startLab({ heartbeatMs: 300 });
      try {
        const mix = PROFILES.map((p) => (p === row.profile ? 100 : 0));
        const options = labRunOptions(t.url(lab), { clients: CLIENTS, workers: 1, rampUpMs: 0, durationMs: DURATION_MS, drainMs: 200, mix, ...row.over, profile: { ...row.over.profile } });
        assert.equal(options.driver, t.driver);
        const s = (await runSoak(options)).summary;
        const ps = s.profiles[row.profile];
        assert.ok(ps, `${row.profile} in the summary`);
        assert.equal(ps.counters.conn_failed, 0, JSON.stringify(s.totals.errors));
        row.check(ps, t.driver, t.canSend);
      } finally {
        await lab.close();
      }
    });
  }
}

test('idle with --idle-send-every keeps its connection alive with one small message per period', async () => {
  const lab = await startLab({ heartbeatMs: 0 });
  try {
    const mix = PROFILES.map((p) => (p === 'idle' ? 100 : 0));
    const options = labRunOptions(lab.wsUrl, { clients: CLIENTS, workers: 1, rampUpMs: 0, durationMs: 1500, drainMs: 0, mix, profile: { idleSendEveryMs: 200 } });
    const c = (await runSoak(options)).summary.totals.counters;
    // 1.5 s / 200 ms = 7 per client; a busy scheduler may be a step late on each end.
    assert.ok(c.msgs_sent >= CLIENTS * 5 && c.msgs_sent <= CLIENTS * 7, `sent ${c.msgs_sent}`);
    assert.equal(c.rtt_samples + c.rtt_failed, 0, 'keep-alives are not timed requests');
  } finally {
    await lab.close();
  }
});
