import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqWindow, SEQ_WINDOW, SEQ_OK, SEQ_GAP, SEQ_REORDER, SEQ_DUP, SEQ_STALE } from '../../src/workers/client/seq-window.js';

function feed(w: SeqWindow, seqs: number[]): number[] {
  return seqs.map((s) => w.observe(s));
}

test('an in-order stream has no gaps, reorders or duplicates', () => {
  const w = new SeqWindow();
  for (let s = 5; s < 1005; s++) assert.equal(w.observe(s), SEQ_OK);
  assert.equal(w.flush(), 0);
  assert.deepEqual([w.lost, w.reorders, w.duplicates], [0, 0, 0]);
});

test('the first seq is the baseline unless reset names the start', () => {
  const w = new SeqWindow();
  assert.equal(w.observe(40), SEQ_OK);
  assert.equal(w.flush(), 0);
  w.reset(10);
  assert.equal(w.observe(12), SEQ_GAP);
  assert.equal(w.skipped, 2);
  assert.equal(w.flush(), 2);
  assert.equal(w.observe(9), SEQ_STALE, 'below the named start');
  w.reset();
  w.observe(50);
  assert.equal(w.observe(49), SEQ_STALE, 'below the first seq: late or resent, cannot tell');
  assert.equal(w.reorders, 1);
});

test('a skipped seq is missing, then lost when it leaves the window unfilled', () => {
  const w = new SeqWindow();
  assert.deepEqual(feed(w, [0, 1, 3]), [SEQ_OK, SEQ_OK, SEQ_GAP]);
  assert.equal(w.skipped, 1);
  assert.equal(w.pendingMissing, 1);
  assert.equal(w.lost, 0);
  for (let s = 4; s < 2 + SEQ_WINDOW; s++) {
    w.observe(s);
    assert.equal(w.newlyLost, 0);
  }
  assert.equal(w.lost, 0, 'seq 2 is still inside the window');
  w.observe(2 + SEQ_WINDOW);
  assert.equal(w.newlyLost, 1);
  assert.equal(w.lost, 1);
  assert.equal(w.pendingMissing, 0);
  assert.equal(w.observe(2), SEQ_STALE, 'too late to tell');
  assert.equal(w.reorders, 1);
});

test('a late arrival inside the window is a reorder and never lost', () => {
  const w = new SeqWindow();
  assert.deepEqual(feed(w, [0, 2, 1, 3, 6, 5, 4]), [SEQ_OK, SEQ_GAP, SEQ_REORDER, SEQ_OK, SEQ_GAP, SEQ_REORDER, SEQ_REORDER]);
  assert.equal(w.pendingMissing, 0);
  assert.equal(w.flush(), 0);
  assert.deepEqual([w.lost, w.reorders, w.duplicates], [0, 3, 0]);
});

test('a seq seen twice is a duplicate, in order or late', () => {
  const w = new SeqWindow();
  assert.deepEqual(feed(w, [0, 1, 1, 3, 2, 2, 0]), [SEQ_OK, SEQ_OK, SEQ_DUP, SEQ_GAP, SEQ_REORDER, SEQ_DUP, SEQ_DUP]);
  assert.deepEqual([w.lost, w.reorders, w.duplicates], [0, 1, 3]);
});

test('flush counts what is still missing once; a second flush adds nothing', () => {
  const w = new SeqWindow();
  feed(w, [0, 5, 9]);
  assert.equal(w.pendingMissing, 7);
  assert.equal(w.flush(), 7);
  assert.equal(w.newlyLost, 7);
  assert.equal(w.flush(), 0);
  assert.equal(w.lost, 7);
});

test('a jump far beyond the window counts the seqs that never fit at once', () => {
  const w = new SeqWindow();
  w.observe(0);
  assert.equal(w.observe(1000), SEQ_GAP);
  assert.equal(w.skipped, 999);
  assert.equal(w.newlyLost, 1000 - SEQ_WINDOW);
  assert.equal(w.pendingMissing, SEQ_WINDOW - 1);
  assert.equal(w.observe(999), SEQ_REORDER);
  assert.equal(w.flush(), SEQ_WINDOW - 2);
  assert.equal(w.lost, 999 - 1);
});

test('seqs above 2^32 keep working (bit slots use the low bits)', () => {
  const w = new SeqWindow();
  const base = 2 ** 40;
  assert.deepEqual(feed(w, [base, base + 2, base + 1, base + 1]), [SEQ_OK, SEQ_GAP, SEQ_REORDER, SEQ_DUP]);
});

test('random streams agree with a reference model that remembers everything', () => {
  let state = 12345;
  const rand = (): number => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let round = 0; round < 50; round++) {
    const w = new SeqWindow();
    const seen = new Set<number>();
    let high = -1;
    let lostRef = 0;
    let reordersRef = 0;
    let dupRef = 0;
    const order: number[] = [];
    // Drop ~5%, swap neighbours ~5%, duplicate ~2%, keep displacement well inside the window.
    for (let s = 0; s < 2000; s++) {
      const r = rand();
      if (r < 0.05) continue;
      order.push(s);
      if (r < 0.07) order.push(s);
      if (r > 0.95 && order.length >= 2) {
        const a = order.length - 1;
        [order[a], order[a - 1]] = [order[a - 1]!, order[a]!];
      }
    }
    for (const s of order) {
      w.observe(s);
      if (seen.has(s)) dupRef++;
      else if (s < high) reordersRef++;
      if (!seen.has(s) && s > high) high = s;
      seen.add(s);
    }
    w.flush();
    for (let s = order[0]!; s <= high; s++) if (!seen.has(s)) lostRef++;
    assert.deepEqual([w.lost, w.reorders, w.duplicates], [lostRef, reordersRef, dupRef], `round ${round}`);
  }
});
