// What every run loads: the packages reached by static imports from the CLI entry (coordinator
// thread) and from the worker entry. Packages only some runs need (undici for SSE/NDJSON and
// memory sampling, tsx for scenarios, prom-client and OpenTelemetry for live metrics, csv-parse
// for data files, ws in the coordinator for the lab) are imported where they are used: each costs
// ~3-20 MB of RSS per thread, and the bench counts generator RSS against a raw ws loop (issue 15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Bare package specifiers reached from `entry` through static value imports (type-only imports erase). */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [resolve(SRC, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(import|export)(\s+type)?\s[^;]*?from '([^']+)';/gms)) {
      if (m[2] !== undefined) continue;
      const spec = m[3]!;
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  assert.ok(seen.size > 20, `only ${seen.size} modules reached from ${entry}: the scan is broken`);
  // The scenario template (cli/scenario-template.ts) holds a user's `import … from 'soakstorm'` as text.
  packages.delete('soakstorm');
  return packages;
}

test('the coordinator thread of every command loads only commander, piscina and hdr-histogram-js up front', () => {
  assert.deepEqual([...packagesReached('cli/main.ts')].sort(), ['commander', 'hdr-histogram-js', 'piscina']);
});

test('a worker thread loads only ws and hdr-histogram-js up front (undici only for a stream plan)', () => {
  assert.deepEqual([...packagesReached('workers/entry.ts')].sort(), ['hdr-histogram-js', 'ws']);
});
