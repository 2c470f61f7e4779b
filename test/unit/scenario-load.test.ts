// Scenario loading pieces without a network: shape checks with file/line/field, data rows by
// client id, JSON-path field readers, and that `soakstorm init` writes a file that loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError, validateScenario, lineOf } from '../../src/scenarios/validate.js';
import { readDataRows, rowFor } from '../../src/scenarios/data-feed.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { compileField, outgoingText } from '../../src/workers/client/scenario-fields.js';
import { initScenario } from '../../src/cli/scenarios-command.js';
import { resolveRunOptions } from '../../src/cli/options.js';
import { REPO_ROOT } from '../fixtures/paths.js';

test('validateScenario names the file, the line and the field of the first problem', () => {
  const source = "export default {\n  url: 'ws://x/',\n  push: {\n    sequence: 'seq',\n  },\n};\n";
  assert.throws(() => validateScenario({ url: 'ws://x/', push: { sequence: 'seq' } }, 's.ts', source), (e: unknown) => {
    assert.ok(e instanceof ScenarioError);
    assert.equal(e.line, 4);
    assert.equal(e.field, 'push.sequence');
    assert.match(e.message, /^scenario s\.ts:4 field "push\.sequence": unknown option\. Known here: seq, ts, topic$/);
    return true;
  });
  assert.throws(() => validateScenario({ handshake: { timeout: '5s' } }, 's.ts', 'handshake: {'), /field "handshake\.expect": is required/);
  assert.throws(() => validateScenario({ handshake: { expect: () => true, timeout: 'soon' } }, 's.ts', ''), /must be a duration/);
  assert.throws(() => validateScenario({ options: { clientz: 3 } }, 's.ts', ''), /field "options\.clientz": unknown option/);
  assert.doesNotThrow(() => validateScenario({ options: { mix: { fast: 50, idle: 50 }, clients: 3 } }, 's.ts', ''));
  assert.equal(lineOf('a\nb\n  "url": 1', 'url'), 3);
});

test('data rows: CSV with quotes and JSON; client id picks row id % rows, the same every time', () => {
  const dir = mkdtempSync(join(REPO_ROOT, '.tmp-scenario-'));
  try {
    writeFileSync(join(dir, 'a.csv'), 'token,room\n"t,1",lobby\nt2,"the ""big"" room"\n');
    const rows = readDataRows(join(dir, 'a.csv'));
    assert.deepEqual(rows, [{ token: 't,1', room: 'lobby' }, { token: 't2', room: 'the "big" room' }]);
    assert.equal(rowFor(rows, 5), rows[1]);
    assert.equal(rowFor(rows, 4), rows[0]);
    writeFileSync(join(dir, 'b.json'), '[{"id": 7, "name": "x"}]');
    assert.deepEqual(readDataRows(join(dir, 'b.json')), [{ id: '7', name: 'x' }]);
    writeFileSync(join(dir, 'c.json'), '{"not": "an array"}');
    assert.throws(() => readDataRows(join(dir, 'c.json')), /must hold a JSON array of objects/);
    assert.throws(() => readDataRows(join(dir, 'missing.csv')), /cannot read data file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('field readers follow dotted paths or call the function; Outgoing values become text', () => {
  assert.equal(compileField('data.seq')!({ data: { seq: 4 } }), 4);
  assert.equal(compileField('data.seq')!({ data: 3 }), undefined);
  assert.equal(compileField('$.ts')!({ ts: 9 }), 9);
  assert.equal(compileField((m: { a: number }) => m.a * 2)!({ a: 2 }), 4);
  assert.equal(compileField(undefined), null);
  assert.equal(outgoingText('raw'), 'raw');
  assert.equal(outgoingText({ a: 1 }), '{"a":1}');
});

test('soakstorm init writes a commented scenario that loads and validates as written', async () => {
  const dir = mkdtempSync(join(REPO_ROOT, '.tmp-scenario-'));
  try {
    const file = initScenario('starter', dir);
    assert.match(file, /starter\.ts$/);
    const loaded = await loadScenario(file);
    assert.equal(typeof loaded.scenario.request?.build, 'function');
    assert.equal(loaded.handshakeTimeoutMs, 5000);
    assert.throws(() => initScenario('starter', dir), /already exists/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run options: --rtt reply needs a request/reply scenario; a scenario key in --config is refused, not ignored', () => {
  assert.throws(() => resolveRunOptions('ws://127.0.0.1:1/', { rtt: 'reply', progress: false }, {}, 'x'), /--rtt reply needs a scenario with a request\/reply pair/);
  const dir = mkdtempSync(join(REPO_ROOT, '.tmp-scenario-'));
  try {
    writeFileSync(join(dir, 'c.json'), '{"scenario": "chat.ts"}');
    assert.throws(() => resolveRunOptions('ws://127.0.0.1:1/', { config: join(dir, 'c.json'), progress: false }, {}, 'x'), /--scenario chat\.ts was not loaded/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const layer = { file: '/s.ts', url: 'ws://127.0.0.1:2/', options: { clients: '7', rtt: 'reply' }, thresholds: ['rtt.p99<1s'], hasRequest: true, tlsInsecure: false, caPem: null };
  const { options } = resolveRunOptions(undefined, { clients: '3', progress: false }, {}, 'x', layer);
  assert.equal(options.clients, 3, 'flags win over the scenario');
  assert.equal(options.rttMode, 'reply');
  assert.equal(options.url, 'ws://127.0.0.1:2/', 'the scenario URL when none is given');
  assert.equal(options.subscribeMessage, null, 'no lab subscribe to a scenario server');
  assert.deepEqual(options.thresholds, ['rtt.p99<1s']);
  assert.equal(options.scenarioFile, '/s.ts');
});
