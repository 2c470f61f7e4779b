// The knee against a lab whose per-message CPU work grows with open connections
// (--cpu-per-connection): latency stays flat while the lab's CPU has room and rises once it runs
// out. With k µs per message per connection and r msgs/s per client the lab is busy
// ρ(N) = r·k·N² of each second; the bend must lie where ρ goes from small to saturated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLabProcess, type LabProcess } from '../../src/coordinator/lab-process.js';
import { runCapacity } from '../../src/coordinator/capacity/staircase.js';
import { testCapacityOptions } from './helpers.js';

const K_US = 20;
const RATE = 1;
/** Connections at which the lab is busy `rho` of each second. */
const atRho = (rho: number): number => Math.sqrt(rho / (RATE * K_US * 1e-6));

let lab: LabProcess;
before(async () => {
  // Its own process, so its spinning never delays the coordinator's tick merging.
  lab = await startLabProcess(['--cpu-per-connection', String(K_US), '--heartbeat', '0']);
});
after(async () => {
  await lab.stop();
});

test('lab with --cpu-per-connection: the latency knee is found where the curve bends', async () => {
  // Fine steps with few sends each: many points on the curve before the lab's spinning (which
  // shares the machine) can slow the generator; the 1 s SLO ends the climb (and the lab's spinning, which other tests share the machine with) soon after the bend.
  const o = testCapacityOptions(lab.wsUrl, { start: 20, step: 20, max: 320, stepDurationMs: 6000 }, { slos: ['rtt.p99<1s'] });
  o.run.profile = { ...o.run.profile, ratePerSec: RATE };
  const { report } = await runCapacity(o);
  const story = report.steps.map((s) => `${s.target} (held ${s.held}): p99 ${s.rtt.p99Ms} ms ${s.outcome} ${s.why}`).join('\n');
  const knee = report.analysis.knee.latency;
  assert.ok(knee, `no knee found:\n${story}`);
  // ρ from 0.1 to 1.5: below, the lab idles; above, every message already queues.
  assert.ok(knee.connections >= atRho(0.1) && knee.connections <= atRho(1.5), `knee at ${knee.connections}, expected ${Math.round(atRho(0.1))}..${Math.round(atRho(1.5))}:\n${story}`);
  const measured = report.steps.filter((s) => s.outcome !== 'generator-saturated');
  const worst = Math.max(...measured.map((s) => s.rtt.p99Ms));
  assert.ok(worst >= 3 * knee.value, `p99 beyond the knee (${worst} ms) must rise well above the knee's (${knee.value} ms):\n${story}`);
  const first = measured[0]!;
  assert.ok(knee.value <= first.rtt.p99Ms * 10 + 20, `the knee must sit before the steep part:\n${story}`);
});
