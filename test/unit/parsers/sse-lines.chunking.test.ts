import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, mulberry32, splitAt } from './sse-log.js';

// A stream that exercises every line ending, a BOM, multi-byte characters of every length,
// comments, ids, retry, a multi-line event and an ignored field.
const SAMPLE = Buffer.from(
  '\ufeff: hello 👋\r\n' +
    'retry: 3000\r\n' +
    'id: é-1\r\n' +
    'event: tick\r\n' +
    'data: {"seq":1,"ts":1732370000123.456,"data":"naïve ☃"}\r\n' +
    '\r\n' +
    'data: line one 𝄞\r' +
    'data:line two\r' +
    '\r' +
    ':\n' +
    'foo: ignored\n' +
    'id\n' +
    'data\n' +
    'data: «三»\n' +
    '\n' +
    'retry: soon\r\n' +
    'data: last\r\n' +
    '\r\n' +
    'data: cut',
  'utf8',
);

const EXPECTED = parseSse([SAMPLE]);

test('the sample stream parses to the expected log in one chunk', () => {
  assert.deepEqual(EXPECTED, [
    'comment  hello 👋',
    'retry 3000',
    'event tick "{\\"seq\\":1,\\"ts\\":1732370000123.456,\\"data\\":\\"naïve ☃\\"}" id=é-1',
    'event message "line one 𝄞\\nline two" id=é-1',
    'comment ',
    'event message "\\n«三»" id=',
    'error invalid-retry',
    'event message "last" id=',
    'error truncated-event',
  ]);
});

test('every single split point yields the same log', () => {
  for (let cut = 1; cut < SAMPLE.length; cut++) {
    assert.deepEqual(parseSse(splitAt(SAMPLE, [cut])), EXPECTED, `split at byte ${cut}`);
  }
});

test('one byte per chunk yields the same log', () => {
  const cuts = Array.from({ length: SAMPLE.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(parseSse(splitAt(SAMPLE, cuts)), EXPECTED);
});

test('random multi-splits (seeded) yield the same log', () => {
  const rand = mulberry32(20241123);
  for (let round = 0; round < 500; round++) {
    const count = 1 + Math.floor(rand() * 24);
    const cuts = new Set<number>();
    while (cuts.size < count) cuts.add(1 + Math.floor(rand() * (SAMPLE.length - 1)));
    const sorted = [...cuts].sort((a, b) => a - b);
    assert.deepEqual(parseSse(splitAt(SAMPLE, sorted)), EXPECTED, `cuts ${sorted.join(',')}`);
  }
});

test('chunks that are Uint8Array views (not Buffers) parse the same', () => {
  const copy = new Uint8Array(SAMPLE.length + 8);
  copy.set(SAMPLE, 4);
  const view = new Uint8Array(copy.buffer, 4, SAMPLE.length);
  assert.deepEqual(parseSse([view.subarray(0, 50), view.subarray(50)]), EXPECTED);
});
