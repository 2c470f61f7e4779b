// --drain is the whole budget after the load phase: a server that never answers requests nor the
// close handshake used to stretch --drain 2s to 5 s (2 s drain + a flat 3 s close wait). Now the
// close wait ends after 1 s without progress (workers/entry.ts CLOSE_GRACE_MS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/metrics/result.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { mutePeer } from '../helpers/raw-servers.js';

test('--drain 2s against a server that answers nothing takes about 2 s, not 5', async () => {
  const srv = await mutePeer();
  try {
    const out = tempResults();
    const r = await runCli(['run', srv.url, '-c', '10', '-d', '2s', '--ramp-up', '0s', '-w', '1', '--rate', '5', '--drain', '2s', '--no-progress', '--out', out]);
    const s = JSON.parse(readFileSync(join(out, readdirSync(out)[0]!, 'summary.json'), 'utf8')) as RunSummary;
    assert.ok(s.totals.counters.conn_opened > 0, r.stderr);
    const afterStopMs = s.durationMs - s.loadMs;
    // Requests were outstanding, so the drain waited its 2 s; then 1 s of close grace. The upper
    // bound leaves 1 s for a busy 2-core CI machine yet stays well under the old 5 s.
    assert.ok(afterStopMs >= 1900, `drained only ${afterStopMs} ms`);
    assert.ok(afterStopMs < 4000, `stop took ${afterStopMs} ms after the load phase (drain 2 s)`);
  } finally {
    await srv.stop();
  }
});
