import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonParser, type NdjsonHandler, type NdjsonParseError, type NdjsonParserOptions } from '../../../src/workers/parsers/ndjson-lines.js';
import { escapeSample } from '../../../src/workers/parsers/sample-text.js';
import { mulberry32, splitAt } from './sse-log.js';

class NdLog implements NdjsonHandler {
  readonly log: string[] = [];
  readonly parser: NdjsonParser;
  constructor(options?: NdjsonParserOptions) {
    this.parser = new NdjsonParser(this, options);
  }
  onLine(line: Buffer, start: number, end: number): void {
    this.log.push(`line ${line.toString('utf8', start, end)}`);
  }
  onParseError(code: NdjsonParseError, bytes: Buffer, start: number, end: number): void {
    this.log.push(`error ${code} ${escapeSample(bytes, start, end, 40)}`);
  }
}

function parse(chunks: Array<string | Buffer>, options?: NdjsonParserOptions): string[] {
  const h = new NdLog(options);
  for (const c of chunks) h.parser.push(typeof c === 'string' ? Buffer.from(c) : c);
  h.parser.end();
  return h.log;
}

const SAMPLE = Buffer.from(
  '{"seq":1,"ts":1.5,"data":"naïve ☃"}\n' +
    '{"seq":2,"data":"𝄞 «三»"}\r\n' +
    '\n' +
    '[1,2,{"a":"}"}]\n' +
    '{"seq":3,"data":"emoji 👋 \\"quoted\\""}\n',
);
const EXPECTED = [
  'line {"seq":1,"ts":1.5,"data":"naïve ☃"}',
  'line {"seq":2,"data":"𝄞 «三»"}',
  'line [1,2,{"a":"}"}]',
  'line {"seq":3,"data":"emoji 👋 \\"quoted\\""}',
];

test('lines split across chunks at every byte, including inside multi-byte characters, arrive whole', () => {
  assert.deepEqual(parse([SAMPLE]), EXPECTED);
  for (let cut = 1; cut < SAMPLE.length; cut++) {
    assert.deepEqual(parse(splitAt(SAMPLE, [cut])), EXPECTED, `split at byte ${cut}`);
  }
});

test('random multi-splits (seeded) arrive whole', () => {
  const rand = mulberry32(7);
  for (let round = 0; round < 300; round++) {
    const cuts = new Set<number>();
    const count = 1 + Math.floor(rand() * 16);
    while (cuts.size < count) cuts.add(1 + Math.floor(rand() * (SAMPLE.length - 1)));
    assert.deepEqual(parse(splitAt(SAMPLE, [...cuts].sort((a, b) => a - b))), EXPECTED);
  }
});

test('a malformed line is reported with an escaped sample and the stream continues', () => {
  const h = new NdLog();
  h.parser.push(Buffer.from('{"seq":1}\n{"seq":2,"data":"cut\t\x01'));
  h.parser.push(Buffer.from([0xe2, 0x82])); // a euro sign missing its last byte
  h.parser.push(Buffer.from('\n{"seq":3}{"seq":4}\nnot json\n{"seq":5}\n'));
  h.parser.end();
  assert.deepEqual(h.log, [
    'line {"seq":1}',
    'error malformed {"seq":2,"data":"cut\\t\\x01\\xe2\\x82',
    'error malformed {"seq":3}{"seq":4}',
    'error malformed not json',
    'line {"seq":5}',
  ]);
  assert.equal(h.parser.errors, 3);
  assert.equal(h.parser.lines, 2);
});

test('an oversize line is reported once and skipped to the next newline, however it is chunked', () => {
  const long = '{"data":"' + 'x'.repeat(200) + '"}\n';
  assert.deepEqual(parse([long + '{"ok":true}\n'], { maxLineBytes: 64 }), [
    'error line-too-long {"data":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (211 bytes)',
    'line {"ok":true}',
  ]);
  const chunks = [long.slice(0, 20), long.slice(20, 100), long.slice(100, 150), long.slice(150) + '{"ok":true}\n'];
  const chunked = parse(chunks, { maxLineBytes: 64 });
  assert.equal(chunked.length, 2);
  assert.match(chunked[0]!, /^error line-too-long \{"data":"x{31}… \(\d+ bytes\)$/);
  assert.equal(chunked[1], 'line {"ok":true}');
});

test('a last line without LF is delivered when whole and reported as truncated when cut', () => {
  assert.deepEqual(parse(['{"a":1}\n{"b":2}']), ['line {"a":1}', 'line {"b":2}']);
  assert.deepEqual(parse(['{"a":1}\n{"b":']), ['line {"a":1}', 'error truncated-line {"b":']);
  assert.deepEqual(parse(['{"a":1}\n\r']), ['line {"a":1}']);
});

test('validate none trusts every line; full runs JSON.parse', () => {
  assert.deepEqual(parse(['{oops}\n'], { validate: 'none' }), ['line {oops}']);
  assert.deepEqual(parse(['{oops}\n'], { validate: 'shape' }), ['line {oops}'], 'shape only checks framing');
  assert.deepEqual(parse(['{oops}\n{"a":1}\n'], { validate: 'full' }), ['error malformed {oops}', 'line {"a":1}']);
});

test('reset() drops a partial line; reset inside onLine stops the chunk', () => {
  const h = new NdLog();
  h.parser.push(Buffer.from('{"a":'));
  h.parser.reset();
  h.parser.push(Buffer.from('{"b":1}\n'));
  assert.deepEqual(h.log, ['line {"b":1}']);
  h.onLine = () => {
    h.log.push('stop');
    h.parser.reset();
  };
  h.parser.push(Buffer.from('{"c":1}\n{"d":1}\n'));
  assert.deepEqual(h.log, ['line {"b":1}', 'stop']);
});
