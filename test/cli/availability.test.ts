// Availability both ways: a target that crashed and came back, or crashed and stayed down, must
// not read PASSED (the availability verdict fails; availability>=99% fails, exit 99); a healthy
// lab and a raw WebSocket peer that is not the lab pass. Shown in every report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab } from '../../src/lab/server.js';
import type { RunSummary } from '../../src/metrics/result.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { crashingPeer, mutePeer } from '../helpers/raw-servers.js';

const RUN = ['-c', '10', '-d', '8s', '--ramp-up', '0s', '-w', '1', '--rate', '2', '--no-progress', '-t', 'availability>=99%'];

async function soak(url: string): Promise<{ r: CliResult; s: RunSummary; dir: string }> {
  const out = tempResults();
  const r = await runCli(['run', url, ...RUN, '--out', out], 60_000);
  const dir = join(out, readdirSync(out)[0]!);
  return { r, s: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary, dir };
}

function assertShownEverywhere(dir: string, stdout: string): void {
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /^Availability: \d+\.\d% of \d+ load seconds with a connection open/m);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<p class="availability"><b>Availability:<\/b> \d+\.\d% of \d+ load seconds/);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /<testcase classname="soakstorm\.verdicts" name="availability"/);
  assert.match(stdout, /^availability \d+\.\d% of \d+ load seconds/m);
}

test('a target that crashes and comes back is not PASSED: availability fails and says for how long', async () => {
  // Down from 1.5 s after the first connection for 4 s of an 8 s run: 3+ seconds with none open.
  const peer = await crashingPeer(1500, 4000);
  try {
    const { r, s, dir } = await soak(peer.url);
    assert.ok(peer.crashedAtMs() !== null, 'the peer crashed');
    assert.equal(r.code, 99, r.stderr);
    const v = s.verdicts.find((x) => x.id === 'availability')!;
    assert.equal(v.status, 'fail', v.summary);
    assert.match(v.summary, /^the target was unavailable: no connection was open for \d+ of \d+ load seconds/);
    assert.ok(s.availability!.downSeconds >= 3, JSON.stringify(s.availability));
    assert.ok(s.availability!.ratio! < 0.99);
    assert.equal(s.thresholds[0]!.status, 'fail');
    assert.doesNotMatch(readFileSync(join(dir, 'summary.md'), 'utf8').split('\n')[0]!, /: PASSED/);
    assertShownEverywhere(dir, r.stdout);
  } finally {
    await peer.stop();
  }
});

test('a target that crashes and stays down is not PASSED, even without a threshold', async () => {
  // Timed from the first connection (the lab's --crash-after counts from its own start, which a
  // slow CLI start on a busy machine could overrun, leaving a run that opened nothing: exit 3).
  const peer = await crashingPeer(1500, null);
  try {
    const out = tempResults();
    const r = await runCli(['run', peer.url, ...RUN.slice(0, -2), '--out', out], 60_000);
    const dir = join(out, readdirSync(out)[0]!);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(s.verdicts.find((x) => x.id === 'availability')!.status, 'fail');
    assert.ok(s.availability!.downSeconds >= 4, JSON.stringify(s.availability));
    assert.ok(s.totals.counters.conn_opened > 0, 'connections opened before the crash');
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8').split('\n')[0]!, /: PASSED WITH FINDINGS \(exit 0\)$/);
    assert.match(r.stdout, /soakstorm: PASSED WITH FINDINGS \(exit 0\): finding \(not gated by --fail-on\): availability: the target was unavailable/);
  } finally {
    await peer.stop();
  }
});

test('a healthy lab and a raw WebSocket peer (not the lab) pass availability', async () => {
  const lab = await startLab({ heartbeatMs: 0 });
  const peer = await mutePeer();
  try {
    for (const url of [lab.wsUrl, peer.url]) {
      const { r, s, dir } = await soak(url);
      const v = s.verdicts.find((x) => x.id === 'availability')!;
      assert.equal(v.status, 'pass', `${url}: ${v.summary}`);
      assert.equal(s.availability!.downSeconds, 0);
      assert.equal(s.thresholds[0]!.status, 'pass');
      assertShownEverywhere(dir, r.stdout);
    }
  } finally {
    await lab.close();
    await peer.stop();
  }
});
