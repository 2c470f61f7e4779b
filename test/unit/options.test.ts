import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRunOptions } from '../../src/cli/options.js';
import { SoakstormError } from '../../src/errors.js';
import { openFileLimit } from '../../src/cli/memory-options.js';
import { tempDir } from '../helpers/temp.js';

const URL = 'ws://127.0.0.1:9/';

function config(data: unknown): string {
  const path = join(tempDir('config'), 'soak.json');
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

test('precedence: defaults < config file < SOAKSTORM_* env < flags', () => {
  const file = config({ clients: 300, rate: 4, mix: 'fast=50,slow=50', rampUp: '20s' });
  const env = { SOAKSTORM_RATE: '6', SOAKSTORM_RAMP_UP: '9s' };
  const { options } = resolveRunOptions(URL, { config: file, rampUp: '3s' }, env, 'id');
  assert.equal(options.durationMs, 30_000, 'default');
  assert.equal(options.clients, 300, 'config over default');
  assert.deepEqual(options.mix, [50, 50, 0, 0, 0], 'config over default');
  assert.equal(options.profile.ratePerSec, 6, 'env over config');
  assert.equal(options.rampUpMs, 3000, 'flag over env and config');
});

test('profile options come from the CLI or the config file', () => {
  const file = config({ awake: '10s', asleep: '30s', vanish: 25, stormAt: '30s,90s', reconnect: 'immediate', threshold: ['rtt.p99<250ms'] });
  const { options } = resolveRunOptions(URL, { config: file, duration: '2m', mix: 'fast=50,sleepy=25,storm=25' }, {}, 'id');
  assert.equal(options.profile.awakeMs, 10_000);
  assert.equal(options.profile.asleepMs, 30_000);
  assert.equal(options.profile.vanishPct, 25);
  assert.deepEqual(options.profile.stormAtMs, [30_000, 90_000]);
  assert.equal(options.profile.reconnect, 'immediate');
  assert.deepEqual(options.thresholds, ['rtt.p99<250ms']);
});

test('config file problems are one line naming the file and the fix', () => {
  const bad = config('{ "clients": 10,');
  assert.throws(() => resolveRunOptions(URL, { config: bad }, {}, 'id'), (err: SoakstormError) => err.exitCode === 2 && err.message.startsWith(`config file ${bad} is not valid JSON (`));
  const unknown = config({ clients: 10, clientz: 5 });
  assert.throws(() => resolveRunOptions(URL, { config: unknown }, {}, 'id'), {
    message: `config file ${unknown} has unknown option "clientz". Keys are camelCase flag names, e.g. "clients", "rampUp".`,
  });
  assert.throws(() => resolveRunOptions(URL, { config: '/nonexistent/soak.json' }, {}, 'id'), {
    message: 'cannot read config file /nonexistent/soak.json (ENOENT). Check the path given to --config.',
  });
});

test('incoherent combinations are refused with the reason', () => {
  assert.throws(() => resolveRunOptions(URL, { mix: 'fast=50,storm=50' }, {}, 'id'), {
    message: '--mix has storm clients but no storm is set (got "fast=50,storm=50"). Add --storm-at 30s or --storm-every 1m.',
  });
  assert.throws(() => resolveRunOptions(URL, { serverPid: '12', serverMetrics: 'http://127.0.0.1:1/metrics' }, {}, 'id'), {
    message: '--server-pid, --server-metrics and --server-memory-url are alternatives (got more than one). Give one memory source.',
  });
  assert.throws(() => resolveRunOptions('http://127.0.0.1:9/sse', {}, {}, 'id'), {
    message: 'an http URL needs a stream protocol (got "http://127.0.0.1:9/sse"). Use sse+http://… or ndjson+http://…, or add --protocol sse|ndjson.',
  });
  const { options } = resolveRunOptions('sse+http://127.0.0.1:9/sse', {}, {}, 'id');
  assert.equal(options.driver, 'sse');
  assert.equal(options.url, 'http://127.0.0.1:9/sse');
});

test('more clients than the open-file limit allows: refused with the fix under --processes 1, else split over processes', () => {
  const limit = openFileLimit();
  assert.ok(Number.isFinite(limit), 'this test needs /proc/self/limits (Linux)');
  const clients = limit + 1000;
  assert.throws(() => resolveRunOptions(URL, { clients: String(clients), processes: '1' }, {}, 'id'), {
    message: `${clients} connections per process need about ${clients + 200} open files, but a process may open ${limit} (ulimit -n). Use --processes 2, or raise the limit with "ulimit -n ${clients + 200}" (up to "ulimit -Hn").`,
  });
  const { extras } = resolveRunOptions(URL, { clients: String(clients) }, {}, 'id');
  assert.equal(extras.processes, 2);
  assert.equal(extras.processesReason, `2 processes: ${clients} connections with an open-file limit of ${limit} per process`);
});

test('a profile that needs what the transport cannot do is refused before the run; the subscribe goes only where asked', () => {
  assert.throws(() => resolveRunOptions('sse+http://127.0.0.1:9/events', { mix: 'idle=100', idleSendEvery: '5s' }, {}, 'id'), (err: SoakstormError) => err.exitCode === 2 && /--idle-send-every needs a transport that can send, but SSE only reads/.test(err.message));
  const ws = resolveRunOptions(URL, { mix: 'idle=100', idleSendEvery: '5s' }, {}, 'id').options;
  assert.equal(ws.profile.idleSendEveryMs, 5000);
  assert.equal(ws.subscribeMessage, null, 'a foreign server gets no subscribe');
  assert.equal(resolveRunOptions(URL, { subscribe: '{"op":"join"}' }, {}, 'id').options.subscribeMessage, '{"op":"join"}');
  assert.equal(resolveRunOptions(undefined, {}, {}, 'id').options.subscribeMessage, '{"op":"subscribe","rate":20,"size":1024}', 'the built-in lab gets its own subscribe');
});
