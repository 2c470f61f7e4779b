// `soakstorm lab --processes 2`: one ready line, one port served by two processes, /metrics
// summed over both, and SIGTERM stops every process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MAIN } from '../helpers/cli.js';
import { sumPrometheus } from '../../src/lab/cluster-metrics.js';
import { openWs, sleep, within } from './helpers.js';

/** Named samples of one /metrics scrape. */
async function scrape(url: string, names: string[]): Promise<number[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return names.map((name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? NaN : Number(line.split(' ')[1]);
  });
}

test('lab --processes 2 serves one port from two processes and /metrics counts the connections of both', async () => {
  const child = spawn(process.execPath, [MAIN, 'lab', '--processes', '2', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const ready = await within(15_000, 'ready line', new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)));
    const url = /^soakstorm lab listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(ready)![1]!;
    const sockets = await Promise.all(Array.from({ length: 12 }, () => openWs(`${url.replace('http', 'ws')}/`)));
    // Each process publishes its figures once a second; the sum settles within a few.
    // Each process publishes its figures once a second, so a scrape may lag by about that much.
    const names = ['soakstorm_lab_open_connections', 'soakstorm_lab_connections_total'];
    const until = Date.now() + 8000;
    let seen = await scrape(url, names);
    while (!(seen[0] === 12 && seen[1] === 12) && Date.now() < until) {
      await sleep(250);
      seen = await scrape(url, names);
    }
    assert.deepEqual(seen, [12, 12], '/metrics counts the connections of both processes');
    for (const ws of sockets) ws.terminate();
    assert.match(stderr, /2 processes on one port/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await within(10_000, 'lab exit', exited), 0);
});

test('sumPrometheus adds samples by name and labels, keeps one HELP/TYPE per family, takes the earliest start time', () => {
  const a = '# HELP x_total X.\n# TYPE x_total counter\nx_total 2\n# TYPE y gauge\ny{k="a"} 1\nprocess_start_time_seconds 100\n';
  const b = '# HELP x_total X.\n# TYPE x_total counter\nx_total 3\n# TYPE y gauge\ny{k="a"} 4\ny{k="b"} 5\nprocess_start_time_seconds 90\n';
  assert.equal(
    sumPrometheus([a, b]),
    '# HELP x_total X.\n# TYPE x_total counter\nx_total 5\n# TYPE y gauge\ny{k="a"} 5\ny{k="b"} 5\nprocess_start_time_seconds 90\n',
  );
});
