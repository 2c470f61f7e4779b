import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqTsScanner, createSeqTsResult } from '../../../src/workers/parsers/seq-ts.js';
import { mulberry32 } from './sse-log.js';

const scanner = new SeqTsScanner();
const out = createSeqTsResult();

function scan(text: string, s: SeqTsScanner = scanner): string {
  const b = Buffer.from(text);
  s.scan(b, 0, b.length, out);
  return `${out.hasSeq ? out.seq : '-'} ${out.hasTs ? out.ts : '-'}`;
}

test('the lab shape: seq and ts first', () => {
  assert.equal(scan('{"seq":1,"ts":1732370000123.456,"data":"..."}'), '1 1732370000123.456');
  assert.equal(out.ts, 1732370000123.456);
});

test('whitespace, order, and members after other values', () => {
  assert.equal(scan(' { "data" : "x,\\"seq\\":9" , "ts" : 12 , "seq" : 42 } '), '42 12');
  assert.equal(scan('{"a":{"seq":7,"ts":8},"b":[{"seq":1}],"seq":3}'), '3 -', 'nested members are ignored');
  assert.equal(scan('{"name":"seq","seq":5}'), '5 -', 'a string value equal to the key is not a key');
});

test('missing, non-numeric and non-integer members leave the flags false', () => {
  assert.equal(scan('{"data":1}'), '- -');
  assert.equal(scan('{"seq":"12","ts":null}'), '- -');
  assert.equal(scan('{"seq":1.5,"ts":2}'), '- 2');
  assert.equal(scan('[{"seq":1}]'), '- -');
  assert.equal(scan('not json'), '- -');
  assert.equal(scan('{"seq":'), '- -');
  assert.equal(scan('{"seq":-'), '- -');
  assert.equal(scan('{"seq'), '- -');
});

test('signs, exponents and the slow path for long mantissas', () => {
  assert.equal(scan('{"seq":-3,"ts":-1.25e2}'), '-3 -125');
  assert.equal(scan('{"seq":1E3,"ts":5e-3}'), '1000 0.005');
  assert.equal(scan('{"seq":9007199254740993,"ts":1.234567890123456789}'), `${9007199254740993} ${1.234567890123456789}`);
  assert.equal(scan('{"ts":1e300}'), '- 1e+300');
});

test('the scan stops at the end of the object and ignores bytes outside the range', () => {
  const b = Buffer.from('xx{"seq":1}{"seq":2,"ts":3}');
  scanner.scan(b, 2, 11, out);
  assert.deepEqual(out, { hasSeq: true, seq: 1, hasTs: false, ts: out.ts });
});

test('configurable member names', () => {
  const s = new SeqTsScanner({ seqField: 'n', tsField: 'sentAt' });
  assert.equal(scan('{"seq":1,"ts":2,"n":7,"sentAt":99.5}', s), '7 99.5');
});

test('ts matches parseFloat for random lab-like timestamps (seeded)', () => {
  const rand = mulberry32(99);
  for (let i = 0; i < 2000; i++) {
    const text = (1_600_000_000_000 + rand() * 200_000_000_000).toFixed(Math.floor(rand() * 4));
    assert.equal(scan(`{"seq":${i},"ts":${text}}`), `${i} ${Number.parseFloat(text)}`, text);
  }
});
