// When the load phase ends (coordinator/shutdown.ts loadEndMs): the tick at exactly the planned
// duration belongs to the load, however early by Date.now() the duration timer fired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEndMs } from '../../src/coordinator/shutdown.js';
import { phaseOf } from '../../src/coordinator/shard-replay.js';

test('the planned stop ends the load at the planned duration, never before it', () => {
  // The duration timer read 1999 ms on the wall clock: the tick stamped 2000 is still steady.
  const early = loadEndMs(true, 1999, 2000);
  assert.equal(early, 2000);
  assert.equal(phaseOf(2000, 0, early), 'steady');
  assert.equal(phaseOf(2029, 0, early), 'drain');
  // Late (a busy core): the load lasted as long as it did.
  assert.equal(loadEndMs(true, 2050, 2000), 2050);
});

test('any other stop (signal, abort, unreachable, capacity) ends the load when it came', () => {
  assert.equal(loadEndMs(false, 1200, 60_000), 1200);
  assert.equal(phaseOf(2000, 0, loadEndMs(false, 1999, 2000)), 'drain');
});
