// The three test loops (npm test, test:unit, test:soak) select the right files from the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LONG_FIRST, PARTS, suiteFiles } from '../suite.js';
import { REPO_ROOT } from '../fixtures/paths.js';

test('each part lists compiled test files whose sources exist, long folders first, each sorted', () => {
  const group = (f: string): number => {
    const i = LONG_FIRST.findIndex((d) => f.startsWith(`dist/${d}`));
    return i < 0 ? LONG_FIRST.length : i;
  };
  for (const part of Object.keys(PARTS)) {
    const files = suiteFiles(part);
    assert.ok(files.length > 0, part);
    for (let i = 1; i < files.length; i++) {
      const [a, b] = [files[i - 1]!, files[i]!];
      assert.ok(group(a) < group(b) || (group(a) === group(b) && a < b), `${a} before ${b}`);
    }
    for (const f of files) {
      assert.match(f, /^dist\/test\/.+\.test\.js$/);
      assert.ok(existsSync(join(REPO_ROOT, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), f);
    }
  }
});

test('unit is fast files only, soak is the verdict soaks, all holds both and more', () => {
  const all = new Set(suiteFiles('all'));
  const unit = suiteFiles('unit');
  const soak = suiteFiles('soak');
  assert.ok(unit.every((f) => f.startsWith('dist/test/unit/') && all.has(f)));
  assert.ok(soak.includes('dist/test/verdicts/lab-leak.test.js'));
  assert.ok(soak.every((f) => all.has(f) && !unit.includes(f)));
  assert.ok(all.has('dist/test/docs/doc-commands.test.js') && all.has('dist/test/report/report-chromium.test.js'));
  assert.ok(![...all].some((f) => f.endsWith('/smoke.test.js')), 'the 1 === 1 smoke test is back');
  assert.throws(() => suiteFiles('nope'), /unknown part/);
});
