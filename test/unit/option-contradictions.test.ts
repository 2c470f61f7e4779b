// Options that contradict each other: every problem at once, one line each, naming where each
// value came from (flag, SOAKSTORM_* variable, config key). Ignored options are warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRunOptions } from '../../src/cli/options.js';
import { SoakstormOptionErrors } from '../../src/errors.js';
import { tempDir } from '../helpers/temp.js';

const URL = 'ws://127.0.0.1:9/';

function config(data: unknown): string {
  const path = join(tempDir('config'), 'soak.json');
  writeFileSync(path, JSON.stringify(data));
  return path;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SoakstormOptionErrors, String(err));
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('expected option errors');
}

test('every contradiction is reported at once, one line each, naming flag, env var and config key', () => {
  const file = config({ reconnectBase: '1m', clientz: 1, rampup: '1s' });
  const problems = problemsOf(() =>
    resolveRunOptions('ws://127.0.0.1:9/', { config: file, duration: '10s', rampUp: '10s', protocol: 'sse', payload: '8' }, { SOAKSTORM_RECONNECT_CAP: '30s', SOAKSTORM_CLIENTZ: '3' }, 'id'),
  );
  assert.deepEqual(problems, [
    `config file ${file} has unknown option "clientz". Keys are camelCase flag names, e.g. "clients", "rampUp".`,
    `config file ${file} has unknown option "rampup". Keys are camelCase flag names, e.g. "clients", "rampUp".`,
    'unknown environment variable SOAKSTORM_CLIENTZ (a typo?). Known: SOAKSTORM_<OPTION>, e.g. SOAKSTORM_CLIENTS, SOAKSTORM_RAMP_UP; unset it or fix its name.',
    '--protocol sse contradicts the URL scheme (got "ws://127.0.0.1:9/"). Use http:// or https://, or drop --protocol.',
    '--ramp-up 10s is not shorter than --duration 10s: some clients would never connect. Shorten the ramp-up or lengthen the run.',
    '--payload 8 is below the 24-byte message header (seq, client id, timestamps). Use --payload 24 or more.',
    `config key "reconnectBase" in ${file} (--reconnect-base) 1m is above SOAKSTORM_RECONNECT_CAP (--reconnect-cap) 30s: the first backoff step would exceed the longest. Lower the base or raise the cap.`,
  ]);
});

test('an incoming size cap below what we ask the server to send is a contradiction', () => {
  assert.deepEqual(problemsOf(() => resolveRunOptions(URL, { maxMessageSize: '512', payload: '1KB' }, {}, 'id')), [
    '--max-message-size 512 is below --payload 1024: every echo or push asked for would be refused as oversized. Raise --max-message-size.',
  ]);
  assert.deepEqual(problemsOf(() => resolveRunOptions(URL, {}, { SOAKSTORM_MAX_MESSAGE_SIZE: '100' }, 'id')), [
    'SOAKSTORM_MAX_MESSAGE_SIZE (--max-message-size) 100 is below --push-size 1024: every echo or push asked for would be refused as oversized. Raise --max-message-size.',
  ]);
});

test('bad values of options without a default are problems, never crashes', () => {
  assert.deepEqual(problemsOf(() => resolveRunOptions(URL, { stormAt: 'soon', localAddress: 'here', failOn: 'everything', baseline: 'x' }, {}, 'id')), [
    '--local-address is not an address list (got "here"). Use e.g. 127.0.0.2-127.0.0.20.',
    '--storm-at is not a duration (got "soon"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h.',
    '--baseline is not a duration (got "x"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h.',
    '--fail-on must be one of leak, backpressure, idle-cut, zombie, reconnect-loop, storm-recovery, burstiness, generator-saturated, availability (got "everything").',
  ]);
});

test('a bad value names its source: env variable or config key', () => {
  const file = config({ clients: 'lots' });
  assert.deepEqual(problemsOf(() => resolveRunOptions(URL, { config: file }, { SOAKSTORM_DURATION: '30' }, 'id')), [
    `config key "clients" in ${file} (--clients) must be an integer ≥ 1 (got "lots").`,
    'SOAKSTORM_DURATION (--duration) needs a unit (got "30"). Write 30s for seconds or 30ms for milliseconds.',
  ]);
});

test('--protocol against an sse+/ndjson+ scheme is a contradiction; agreeing is fine', () => {
  assert.deepEqual(problemsOf(() => resolveRunOptions('sse+http://127.0.0.1:9/s', { protocol: 'ndjson' }, {}, 'id')), [
    '--protocol ndjson contradicts the URL scheme sse+ (got "sse+http://127.0.0.1:9/s"). Drop --protocol or fix the scheme.',
  ]);
  assert.equal(resolveRunOptions('sse+http://127.0.0.1:9/s', { protocol: 'sse' }, {}, 'id').options.driver, 'sse');
  assert.equal(resolveRunOptions('http://127.0.0.1:9/s', { protocol: 'ndjson' }, {}, 'id').options.driver, 'ndjson');
});

test('the default ramp-up shrinks to half a short run instead of outlasting it; an explicit one is checked', () => {
  assert.equal(resolveRunOptions(URL, { duration: '2s' }, {}, 'id').options.rampUpMs, 1000);
  assert.equal(resolveRunOptions(URL, { duration: '1m' }, {}, 'id').options.rampUpMs, 5000);
  assert.equal(resolveRunOptions(URL, { duration: '2s', rampUp: '1500ms' }, {}, 'id').options.rampUpMs, 1500);
});

test('options the chosen protocol ignores are warnings, not errors; ws gets none', () => {
  const sse = resolveRunOptions('sse+http://127.0.0.1:9/s', { rate: '5' }, { SOAKSTORM_PAYLOAD: '128' }, 'id');
  assert.deepEqual(sse.extras.warnings, [
    '--rate does nothing for SSE (streams only read; the server decides what it sends). Remove it, or use a ws:// target.',
    'SOAKSTORM_PAYLOAD (--payload) does nothing for SSE (streams only read; the server decides what it sends). Remove it, or use a ws:// target.',
  ]);
  assert.deepEqual(resolveRunOptions('ndjson+http://127.0.0.1:9/n', {}, {}, 'id').extras.warnings, [], 'defaults are never warned about');
  assert.deepEqual(resolveRunOptions(URL, { rate: '5' }, {}, 'id').extras.warnings, []);
});

test('profile options without that profile in --mix are warnings; with it, none', () => {
  assert.deepEqual(resolveRunOptions(URL, { awake: '5s', slowReadRate: '1KB' }, {}, 'id').extras.warnings, [
    '--slow-read-rate does nothing: --mix has no slow clients. Add e.g. --mix fast=80,slow=20, or remove it.',
    '--awake does nothing: --mix has no sleepy clients. Add e.g. --mix fast=80,sleepy=20, or remove it.',
  ]);
  assert.deepEqual(resolveRunOptions(URL, { awake: '5s', mix: 'fast=50,sleepy=50' }, {}, 'id').extras.warnings, []);
});

test('the CONTRACT options resolve with their table defaults and from flags', () => {
  const d = resolveRunOptions(URL, {}, {}, 'id').options;
  assert.equal(d.profile.idleSendEveryMs, 0);
  assert.equal(d.subscribeMessage, null);
  assert.equal(d.maxMessageBytes, 16 * 1024 * 1024);
  assert.equal(d.tlsInsecure, false);
  assert.equal(d.caPem, null);
  assert.deepEqual(d.redactHeaders, []);
  const o = resolveRunOptions('wss://127.0.0.1:9/', { idleSendEvery: '25s', subscribe: '{"sub":"prices"}', maxMessageSize: '1MB', insecure: true, redactHeader: ['X-Token', 'X-Other'] }, {}, 'id').options;
  assert.equal(o.profile.idleSendEveryMs, 25_000);
  assert.equal(resolveRunOptions(undefined, {}, {}, 'id').options.subscribeMessage, '{"op":"subscribe","rate":20,"size":1024}', 'the built-in lab gets its subscribe');
  assert.equal(o.subscribeMessage, '{"sub":"prices"}');
  assert.equal(o.maxMessageBytes, 1024 * 1024);
  assert.equal(o.tlsInsecure, true);
  assert.deepEqual(o.redactHeaders, ['X-Token', 'X-Other']);
  assert.equal(resolveRunOptions('wss://127.0.0.1:9/', {}, { SOAKSTORM_INSECURE: '1' }, 'id').options.tlsInsecure, true, 'a switch from the environment');
  assert.deepEqual(problemsOf(() => resolveRunOptions('wss://127.0.0.1:9/', {}, { SOAKSTORM_INSECURE: 'maybe' }, 'id')), ['SOAKSTORM_INSECURE (--insecure) is a switch (got "maybe"). Use 1 or 0, true or false.']);
});

test('the test-suite switches .ci/run exports (SOAKSTORM_REQUIRE_*) are known, so CI soaks still run', () => {
  const env = { SOAKSTORM_REQUIRE_BROWSER: '1', SOAKSTORM_REQUIRE_PROMETHEUS: '1', SOAKSTORM_UPDATE_SCREENSHOTS: '1' };
  const { options } = resolveRunOptions('ws://127.0.0.1:9/', { duration: '10s' }, env, 'id');
  assert.equal(options.url, 'ws://127.0.0.1:9/');
});
