// What a scenario puts on the wire at connect time, seen by a plain `ws` server that records
// each handshake and first messages: static and per-client headers, cookies from a JSON data file
// (row = id % rows), subprotocols, Origin, permessage-deflate; the open messages in order; and a
// handshake step that is never answered failing by its own timeout and error class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { REPO_ROOT } from '../fixtures/paths.js';
import type { RunSummary } from '../../src/metrics/result.js';

test('scenario connect options reach the server; an unanswered handshake step fails as SCENARIO_HANDSHAKE', async () => {
  const seen: { headers: Record<string, string | string[] | undefined>; protocol: string; messages: string[] }[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true, handleProtocols: (p) => (p.has('chat.v1') ? 'chat.v1' : false) });
  wss.on('connection', (ws, req) => {
    const rec = { headers: req.headers, protocol: ws.protocol, messages: [] as string[] };
    seen.push(rec);
    ws.on('message', (d) => rec.messages.push(d.toString()));
  });
  await new Promise((r) => wss.once('listening', r));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  try {
    const res = await runCli(['run', url, '--scenario', `${REPO_ROOT}test/fixtures/scenarios/connect-shape.ts`, '-c', '3', '-d', '1500ms', '--ramp-up', '0s', '--workers', '1', '--no-progress', '-o', tempResults()], 60_000);
    const path = /results\s+(\S+summary\.json)/.exec(res.stdout)?.[1];
    assert.ok(path, res.stderr);
    const s = JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
    assert.equal(seen.length, 3, 'reconnect none: one handshake per client');
    const users = ['ana', 'ben', 'chen'];
    for (const rec of seen) {
      assert.equal(rec.headers['x-static'], 'yes');
      assert.equal(rec.headers['origin'], 'https://app.example.test');
      assert.equal(String(rec.headers['sec-websocket-protocol']).replace(/\s/g, ''), 'chat.v2,chat.v1');
      assert.equal(rec.protocol, 'chat.v1');
      assert.match(String(rec.headers['sec-websocket-extensions']), /permessage-deflate/);
      const cookie = /session=s-(\w+); id=(\d+)/.exec(String(rec.headers['cookie']));
      assert.ok(cookie, String(rec.headers['cookie']));
      assert.equal(cookie[1], users[Number(cookie[2]) % users.length], 'row = client id % rows');
      assert.deepEqual(rec.messages.slice(0, 2), [JSON.stringify({ type: 'hello', user: cookie[1] }), 'second']);
    }
    const c = (s.totals as unknown as { counters: Record<string, number> }).counters;
    assert.equal(c['scenario_handshake_failed'], 3);
    assert.equal(s.totals.errors['SCENARIO_HANDSHAKE'], 3);
    assert.match(JSON.stringify(s.samples), /no expected answer within 400 ms/);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((r) => wss.close(r));
  }
});
