// The docs-command extractor and rewriter (test/docs/): what they find, skip and change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCommands, shellWords } from '../docs/extract-commands.js';
import { rewriteArgs, soakstormArgs } from '../docs/rewrite-command.js';

test('shellWords splits like a POSIX shell: quotes, escapes, comments', () => {
  assert.deepEqual(shellWords(`soakstorm run -t 'rtt.p99<250ms' -H "A: b \\"c\\"" x\\ y # comment`), ['soakstorm', 'run', '-t', 'rtt.p99<250ms', '-H', 'A: b "c"', 'x y']);
  assert.deepEqual(shellWords(`a 'b # not a comment'`), ['a', 'b # not a comment']);
  assert.deepEqual(shellWords('a#b'), ['a#b']);
  assert.throws(() => shellWords(`a 'b`), /unclosed/);
});

test('sh, console, no-run, yaml and unmarked fences', () => {
  const md = [
    '```sh',
    '# a comment line',
    'soakstorm run -c 5 \\',
    '  -d 1m   # trailing comment',
    '```',
    '```console',
    '$ soakstorm run -c many',
    'soakstorm: --clients must be an integer ≥ 1 (got "many").',
    '```',
    '```sh no-run',
    'soakstorm run wss://example.com/',
    '```',
    '```yaml',
    '  run: npx soakstorm run ws://x/',
    '```',
    '```text',
    'soakstorm lab [--port 8080]',
    '```',
    '```',
    'soakstorm run ws://127.0.0.1:8080/',
    '```',
  ].join('\n');
  const { commands, unmarked } = extractCommands('x.md', md);
  assert.deepEqual(commands.map((c) => [c.where, c.text, c.argv.join(' '), c.expected, c.skip]), [
    ['x.md:3', 'soakstorm run -c 5 -d 1m', 'soakstorm run -c 5 -d 1m', [], undefined],
    ['x.md:7', 'soakstorm run -c many', 'soakstorm run -c many', ['soakstorm: --clients must be an integer ≥ 1 (got "many").'], undefined],
    ['x.md:11', 'soakstorm run wss://example.com/', 'soakstorm run wss://example.com/', [], 'marked no-run in x.md'],
    ['x.md:14', 'run: npx soakstorm run ws://x/', '', [], 'inside a yaml block in x.md (a CI workflow step)'],
  ]);
  assert.deepEqual(unmarked, ['x.md:20: soakstorm run ws://127.0.0.1:8080/']);
});

test('rewrite: duration cut, clients capped, in-run times scaled, everything else as written', () => {
  const { args } = rewriteArgs(['run', 'ws://127.0.0.1:8080/', '-c', '2000', '-d', '10m', '--ramp-up', '1m', '--storm-at', '5m,8m', '--awake', '10s', '-t', 'rtt.p99<250ms'], 4321);
  assert.deepEqual(args, ['run', 'ws://127.0.0.1:4321/', '-c', '20', '-d', '4000ms', '--ramp-up', '400ms', '--storm-at', '2000ms,3200ms', '--awake', '10s', '-t', 'rtt.p99<250ms']);
  assert.deepEqual(rewriteArgs(['run', '-c', 'many'], 1).args, ['run', '-c', 'many', '-d', '4000ms']);
  assert.deepEqual(rewriteArgs(['lab', '--fault', 'leak'], 1).args, ['lab', '--fault', 'leak', '--port', '0']);
  assert.deepEqual(rewriteArgs(['report', 'results/2025-x'], 1), { args: ['report', 'results/2025-x'], resultsArgs: [1] });
});

test('soakstormArgs knows soakstorm, npx soakstorm, the built binary and npm start', () => {
  assert.deepEqual(soakstormArgs(['npx', 'soakstorm', 'run']), ['run']);
  assert.deepEqual(soakstormArgs(['npm', 'start'], 'node dist/src/cli/main.js run --clients 1000'), ['run', '--clients', '1000']);
  assert.equal(soakstormArgs(['curl', '-s']), null);
  assert.equal(soakstormArgs(['npm', 'test']), null);
});
