// Options the chosen protocol ignores are said on stderr at start, and the run still happens.
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

test('--rate on an SSE target: a warning line on stderr, the run goes ahead', async () => {
  const r = await runCli(['run', `sse+${lab.url}/sse`, '-c', '2', '-d', '1s', '--drain', '200ms', '--rate', '5', '--no-progress', '--out', tempResults()], 60_000);
  assert.ok(r.code === 0 || r.code === 97, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr.split('\n')[0], 'soakstorm: warning: --rate does nothing for SSE (streams only read; the server decides what it sends). Remove it, or use a ws:// target.');
  assert.match(r.stdout, /run .*: completed/);
});
