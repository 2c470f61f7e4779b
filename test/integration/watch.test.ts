// `soakstorm watch DIR` follows two shards writing into one folder, shows merged progress
// (both shards' connections in one line) and ends when both wrote their summary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../src/lab/server.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

test('watch shows the merged progress of the shards writing into a folder and exits 0 once all finished', async () => {
  const out = tempResults();
  const startAt = Date.now() + 3000;
  const watching = runCli(['watch', out, '--wait', '30'], 60_000);
  const shards = await Promise.all(
    [1, 2].map((i) => runCli(['run', lab.wsUrl, '--clients', '10', '--duration', '7s', '--ramp-up', '500ms', '--workers', '1', '--shard', `${i}/2`, '--start-at', String(startAt), '--out', out, '--no-progress'], 60_000)),
  );
  shards.forEach((r) => assert.equal(r.code, 0, r.stderr));
  const w = await watching;
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /^all 2 shards of plan [0-9a-f]+ finished; merge them with: soakstorm merge \S+shard-1of2 \S+shard-2of2 --out /);
  // Plain progress lines (stderr is not a TTY) count the open connections of both shards together.
  assert.match(w.stderr, /\[\d+s\/7s\] \S+ +open 10\/10 /);
});
