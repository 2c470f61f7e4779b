import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonShaped } from '../../../src/workers/parsers/json-shape.js';
import { escapeSample } from '../../../src/workers/parsers/sample-text.js';

function shaped(text: string): boolean {
  const b = Buffer.from(text);
  return isJsonShaped(b, 0, b.length);
}

test('one JSON value of any kind is shaped', () => {
  for (const ok of ['{}', ' {"a":[1,{"b":"]}"}]} ', '[]', '"x\\"y"', '-1.5e3', 'true', 'false', 'null', '{"a":"\\\\"}']) {
    assert.equal(shaped(ok), true, ok);
  }
});

test('truncated, concatenated, mismatched and bare text lines are not', () => {
  for (const bad of ['', '   ', '{', '{"a":1', '{"a":"}', '{}{}', '{"a":1}x', '[}', '{]', '"abc', 'nul', 'hello', '"a\tb"', '}']) {
    assert.equal(shaped(bad), false, bad);
  }
});

test('escapeSample escapes controls, backslashes and invalid UTF-8, keeps valid characters, and cuts long text', () => {
  const b = Buffer.concat([Buffer.from('a\\b\r\n\t\x00é𝄞'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('\u2028')]);
  assert.equal(escapeSample(b, 0, b.length), 'a\\\\b\\r\\n\\t\\x00é𝄞\\xff\\xe2\\x82\\u2028');
  const long = Buffer.from('x'.repeat(100));
  assert.equal(escapeSample(long, 0, 100, 10), 'xxxxxxxxxx… (100 bytes)');
  assert.equal(escapeSample(long, 0, 10, 10), 'xxxxxxxxxx');
  const overlong = Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]); // overlong '/' and a UTF-16 surrogate
  assert.equal(escapeSample(overlong, 0, overlong.length), '\\xc0\\xaf\\xed\\xa0\\x80');
});
