// Reconnect-loop verdict both ways: clients giving up after the same 401 fail with a hint,
// transient failures that recover pass, deterministic failures without reconnects are inconclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/protocol.js';
import { giveupCauses, reconnectLoopVerdict } from '../../../src/metrics/verdicts/reconnect-loop.js';
import { input, profile, summary, START_EPOCH_MS } from './fixtures.js';

const giveup = (detail: string, i = 0): RunEvent => ({ atMs: START_EPOCH_MS + 5000 + i, kind: 'reconnect-giveup', profile: 'fast', detail });

test('clients giving up after the same 401 fail, with the cause and what to check', () => {
  const events = [...Array.from({ length: 40 }, (_, i) => giveup('handshake status 401 x5', i)), giveup('close code 4001 x5')];
  const totals = profile(100, { reconnect_giveups: 41, reconnects: 160 }, { statuses: { '101': 100, '401': 200 } });
  const v = reconnectLoopVerdict(input({ summary: summary({ totals, events }) }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, '41 clients gave up after handshake status 401 5 times in a row (and 1 other cause); retrying will not fix it: check the credentials or token the clients send');
  assert.equal(v.evidence['giveupClients_401'], 40);
  assert.equal(v.evidence['giveupClients_4xxx'], 1);
  assert.equal(v.evidence['topCause'], 'handshake status 401');
});

test('give-up causes parse handshake statuses and close codes, 4xxx grouped', () => {
  const s = summary({
    events: [giveup('close code 1008 x3'), giveup('close code 4403 x5'), giveup('close code 4001 x5'), giveup('response content-type text/html x5'), giveup('something else')],
  });
  const causes = giveupCauses(input({ summary: s }));
  assert.deepEqual([...causes.entries()], [
    ['1008', { what: 'close code 1008', clients: 1, tries: 3 }],
    ['4xxx', { what: 'close code 4403', clients: 2, tries: 5 }],
    ['content-type', { what: 'response content-type text/html', clients: 1, tries: 5 }],
    ['something else', { what: 'something else', clients: 1, tries: 0 }],
  ]);
  const v = reconnectLoopVerdict(input({ summary: summary({ events: [giveup('response content-type text/html x5')] }) }));
  assert.equal(v.summary, '1 client gave up after response content-type text/html 5 times in a row; retrying will not fix it: the URL does not serve an event stream (wrong path, or an error page)');
});

test('a giveup counter without events still fails', () => {
  const v = reconnectLoopVerdict(input({ summary: summary({ totals: profile(10, { reconnect_giveups: 3 }) }) }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, '3 clients stopped reconnecting after the same deterministic failure repeated');
});

test('transient failures that reconnect pass', () => {
  const totals = profile(100, { reconnects: 50 }, {
    statuses: { '101': 150, '503': 30 },
    closeCodes: [{ code: '1006', by: 'abnormal', count: 20 }, { code: '1000', by: 'client', count: 100 }],
  });
  const v = reconnectLoopVerdict(input({ summary: summary({ totals }) }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'no client repeated a deterministic failure; 50 transient failures (503, 1006, 1011, …) were retried');
  assert.equal(v.evidence['transientFailures'], 50);
});

test('deterministic failures that all got through before the give-up limit pass', () => {
  const totals = profile(100, { reconnects: 12, conn_attempted: 124 }, { statuses: { '101': 112, '403': 12 } });
  const v = reconnectLoopVerdict(input({ summary: summary({ totals }) }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, '12 deterministic failures, but every client got through before giving up: no loop');
  assert.deepEqual(v.caveats, ['10% of 124 connection attempts were refused that way: not a loop, but worth a look']);
});

test('deterministic failures with reconnects off are inconclusive', () => {
  const totals = profile(100, {}, { closeCodes: [{ code: '1008', by: 'server', count: 7 }] });
  const v = reconnectLoopVerdict(input({ summary: summary({ totals }) }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, '7 deterministic failures (e.g. 401/403/1008) but no client reconnected, so a loop could not show');
});

test('a clean run passes', () => {
  const v = reconnectLoopVerdict(input());
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'no client repeated a deterministic failure');
});
