import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, SseLog } from './sse-log.js';

// Examples from WHATWG HTML §9.2.5/§9.2.6 (server-sent events), in their own words where possible.

test('stocks example: three data lines join with LF into one message event', () => {
  assert.deepEqual(parseSse(['data: YHOO\ndata: +2\ndata: 10\n\n']), ['event message "YHOO\\n+2\\n10" id=']);
});

test('four blocks: comment fires nothing, id sets and an empty id resets the last event ID, one leading space stripped', () => {
  const stream = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n';
  assert.deepEqual(parseSse([stream]), [
    'comment  test stream',
    'event message "first event" id=1',
    'event message "second event" id=',
    'event message " third event" id=',
  ]);
});

test('data / data: / empty field example: empty data, a lone newline, and an undispatched last block', () => {
  const h = new SseLog();
  h.parser.push(Buffer.from('data\n\ndata\ndata\n\ndata:'));
  assert.deepEqual(h.log, ['event message "" id=', 'event message "\\n" id=']);
  h.parser.end();
  assert.deepEqual(h.log.slice(2), ['error truncated-event'], 'the cut-off block is reported, never dispatched');
});

test('"data:test" and "data: test" fire two events with identical data', () => {
  assert.deepEqual(parseSse(['data:test\n\ndata: test\n\n']), ['event message "test" id=', 'event message "test" id=']);
});

test('named events from the introduction example', () => {
  const stream = 'event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n';
  assert.deepEqual(parseSse([stream]), [
    'event add "73857293" id=',
    'event remove "2153" id=',
    'event add "113411" id=',
  ]);
});

test('a comment-only stream reports heartbeats and dispatches nothing', () => {
  assert.deepEqual(parseSse([':\n', ': ping\r\n', ':keepalive\r', '\n\n:x\n']), [
    'comment ',
    'comment  ping',
    'comment keepalive',
    'comment x',
  ]);
});

test('a block without data dispatches nothing but still commits its id; the event type does not leak', () => {
  assert.deepEqual(parseSse(['event: x\nid: 7\n\ndata: a\n\n']), ['event message "a" id=7']);
});

test('an empty event field resets the type to message', () => {
  assert.deepEqual(parseSse(['event: foo\nevent\ndata: a\n\n']), ['event message "a" id=']);
});

test('id containing NUL is ignored and reported; the previous id stays', () => {
  assert.deepEqual(parseSse(['id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n']), [
    'event message "a" id=1',
    'error invalid-id',
    'event message "b" id=1',
  ]);
});

test('retry takes digits only; anything else is ignored and reported', () => {
  assert.deepEqual(parseSse(['retry: 2500\nretry: 1.5\nretry:\nretry: -3\nretry\n']), [
    'retry 2500',
    'error invalid-retry',
    'error invalid-retry',
    'error invalid-retry',
    'error invalid-retry',
  ]);
});

test('unknown fields and lines without a colon are ignored; only one space after the colon is stripped', () => {
  assert.deepEqual(parseSse(['foo: bar\nDATA: x\ndata:   three\n\n']), ['event message "  three" id=']);
});

test('CR, LF and CRLF all end lines, including a CR at the end of one chunk and LF at the start of the next', () => {
  assert.deepEqual(parseSse(['data: a\r', '\ndata: b\r\r', 'data: c\n\r\n']), [
    'event message "a\\nb" id=',
    'event message "c" id=',
  ]);
});

test('a leading BOM is stripped once; a second one is part of the field name', () => {
  assert.deepEqual(parseSse(['\ufeffdata: a\n\n']), ['event message "a" id=']);
  assert.deepEqual(parseSse(['\ufeff\ufeffdata: a\n\n']), []);
  assert.deepEqual(parseSse([Buffer.from([0xef]), Buffer.from([0xbb]), Buffer.from([0xbf, 0x64]), 'ata: a\n\n']), [
    'event message "a" id=',
  ]);
});

test('bytes that only start like a BOM are kept as line bytes', () => {
  const h = new SseLog();
  h.parser.push(Buffer.from([0xef, 0xbb, 0x3a, 0x0a])); // not a BOM: a field named "\xef\xbb" with empty value
  h.parser.push(Buffer.from(':hb\n'));
  assert.deepEqual(h.log, ['comment hb']);
});

test('multi-byte UTF-8 split across chunks decodes whole', () => {
  const bytes = Buffer.from('data: héllo €𝄞\n\n');
  assert.deepEqual(parseSse([bytes.subarray(0, 8), bytes.subarray(8, 15), bytes.subarray(15)]), [
    'event message "héllo €𝄞" id=',
  ]);
});

test('reset() for a reconnect keeps the last event ID but drops the half-read event', () => {
  const h = new SseLog();
  h.parser.push(Buffer.from('id: 41\ndata: a\n\nid: 42\ndata: half'));
  h.parser.reset();
  assert.equal(h.parser.lastEventId(), '41');
  h.parser.push(Buffer.from('\ufeffdata: b\n\n'));
  assert.deepEqual(h.log, ['event message "a" id=41', 'event message "b" id=41']);
});

test('an oversize line is reported once, its event dropped, and the stream continues', () => {
  const long = 'data: ' + 'x'.repeat(100) + '\n';
  for (const chunks of [[long + '\ndata: ok\n\n'], [long.slice(0, 30), long.slice(30, 90), long.slice(90) + '\n', 'data: ok\n\n']]) {
    assert.deepEqual(parseSse(['data: first\n', ...chunks], { maxLineBytes: 64 }), ['error line-too-long', 'event message "ok" id=']);
  }
});

test('an oversize event is reported once and dropped until the blank line', () => {
  const log = parseSse(['data: 12345\ndata: 67890\ndata: abc\n\ndata: ok\n\n'], { maxEventBytes: 10 });
  assert.deepEqual(log, ['error event-too-large', 'event message "ok" id=']);
});

test('end() reports a line cut off mid-way and counts errors', () => {
  const h = new SseLog();
  h.parser.push(Buffer.from('data: a\n\ndata: b'));
  h.parser.end();
  assert.deepEqual(h.log, ['event message "a" id=', 'error truncated-event']);
  assert.deepEqual(h.samples, ['data: b']);
  assert.equal(h.parser.errors, 1);
  assert.equal(h.parser.events, 1);
});

test('a clean end after a blank line reports nothing', () => {
  assert.deepEqual(parseSse(['data: a\n\n', ':bye\n']), ['event message "a" id=', 'comment bye']);
});

test('reset() inside onEvent stops the rest of the chunk', () => {
  const h = new SseLog();
  const onEvent = h.onEvent.bind(h);
  h.onEvent = (data, s, e, p) => {
    onEvent(data, s, e, p);
    p.reset();
  };
  h.parser.push(Buffer.from('data: 1\n\ndata: 2\n\n'));
  assert.deepEqual(h.log, ['event message "1" id=']);
});
