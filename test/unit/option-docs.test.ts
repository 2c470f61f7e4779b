// One option system: --help of run and lab lists every option of the tables with its default,
// and the committed reference pages (docs/options.md, docs/lab-options.md) are what the tables
// generate now. A stale page fails here: run `npm run docs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPTION_DOCS } from '../../src/cli/option-docs.js';
import { RUN_OPTIONS } from '../../src/cli/run-option-table.js';
import { optionHelp } from '../../src/cli/option-help.js';
import { LAB_KNOBS, knobDefault } from '../../src/lab/knobs.js';
import { runCli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Commander wraps help to the terminal width: compare with all whitespace runs collapsed. */
const flat = (s: string): string => s.replace(/\s+/g, ' ');

for (const doc of OPTION_DOCS) {
  test(`${doc.path} is generated from the option table (run "npm run docs" when this fails)`, () => {
    assert.equal(readFileSync(ROOT + doc.path, 'utf8'), doc.render());
  });
}

test('run --help lists every option of the table with its default, and nothing else', async () => {
  const r = await runCli(['run', '--help'], 20_000);
  assert.equal(r.code, 0, r.stderr);
  const help = flat(r.stdout);
  let listed = 0;
  for (const spec of RUN_OPTIONS) {
    const line = flat(`${spec.flags} ${optionHelp(spec)}`);
    if (spec.hidden) assert.ok(!help.includes(spec.flags), `${spec.flags} is hidden`);
    else {
      assert.ok(help.includes(line), `run --help shows "${line}"`);
      listed++;
    }
  }
  // Option lines are indented two spaces; wrapped help text is indented further.
  const flagsInHelp = r.stdout.match(/^ {2}(-\w, )?--[a-z-]+/gm) ?? [];
  // Every listed flag is in the table (plus commander's own -h, --help).
  assert.equal(flagsInHelp.length, listed + 1, flagsInHelp.join(','));
  assert.ok(help.includes('--duration <time> load phase length (500ms, 30s, 5m, 1h) (default: 30s)'), 'a default shown as typed');
});

test('lab --help lists every knob with its default', async () => {
  const r = await runCli(['lab', '--help'], 20_000);
  assert.equal(r.code, 0, r.stderr);
  const help = flat(r.stdout);
  for (const k of LAB_KNOBS) {
    const line = flat(`${k.flag} <${k.arg}> ${k.help} (default: ${knobDefault(k)})`);
    assert.ok(help.includes(line), `lab --help shows "${line}"`);
  }
});

test('a bare number is a duration nowhere: run and lab refuse it with the same words', async () => {
  const run = await runCli(['run', 'ws://127.0.0.1:9/', '--duration', '30'], 20_000);
  const lab = await runCli(['lab', '--age-cut', '30'], 20_000);
  assert.equal(run.code, 2);
  assert.equal(lab.code, 2);
  assert.equal(run.stderr, 'soakstorm: --duration needs a unit (got "30"). Write 30s for seconds or 30ms for milliseconds.\n');
  assert.equal(lab.stderr, 'soakstorm: --age-cut needs a unit (got "30"). Write 30s for seconds or 30ms for milliseconds.\n');
});
