// Per-connection seq accounting (drops, reorders, duplicates) with an expected-seq integer and
// a fixed 128-seq bitmap; never a Set. Hot-path invariants: allocate per connection (one
// Uint32Array(4)), never per message; no logging; no closures.
//
// Definitions (k6-style "drops" are seqs never received):
// - The window covers the WINDOW seqs below `expected` (= highest seq seen + 1). A seq skipped
//   by a forward jump is *missing* while it is inside the window.
// - A missing seq that arrives late is a **reorder** (SEQ_REORDER); it is never counted as lost.
// - A missing seq that falls out of the window unfilled, or is still missing at flush() (end of
//   connection), is **lost**: that is what drivers count as SEQ_GAPS. So a gap is reported at
//   most WINDOW messages (or one connection end) after it happened.
// - A seq already received inside the window is a **duplicate** (SEQ_DUP).
// - A seq older than the window is **stale** (SEQ_STALE): it cannot be told apart from a
//   duplicate, its loss (if any) was already counted; drivers count it as a reorder.
// - The first seq of a connection (or reset(nextSeq), for resumed streams) sets the baseline:
//   nothing below it is expected, and a seq below it arriving later is stale too.

/** observe() result: the seq was the next expected one. */
export const SEQ_OK = 0;
/** observe() result: the seq jumped ahead; `skipped` seqs became missing. */
export const SEQ_GAP = 1;
/** observe() result: a missing seq arrived late, inside the window. */
export const SEQ_REORDER = 2;
/** observe() result: the seq was already received. */
export const SEQ_DUP = 3;
/** observe() result: the seq is older than the window (late or duplicate, cannot tell). */
export const SEQ_STALE = 4;
/** One of SEQ_OK, SEQ_GAP, SEQ_REORDER, SEQ_DUP, SEQ_STALE. */
export type SeqResult = 0 | 1 | 2 | 3 | 4;

/** Seqs remembered below the highest seen; a power of two. */
export const SEQ_WINDOW = 128;
const MASK = SEQ_WINDOW - 1;
const WORDS = SEQ_WINDOW >>> 5;

/** Tracks one connection's seq stream; counts are cumulative since the last reset(). */
export class SeqWindow {
  /** Bit (s & MASK) is set when seq s (inside the window) was received or is not expected. */
  readonly #bits = new Uint32Array(WORDS);
  /** Highest seq seen + 1; -1 before the first seq. */
  #expected = -1;
  /** Lowest seq this connection expects. */
  #base = 0;
  /** Missing seqs currently inside the window. */
  #missing = 0;
  /** Seqs that left the window unfilled or were missing at flush(), cumulative. */
  lost = 0;
  reorders = 0;
  duplicates = 0;
  /** Seqs skipped by the last SEQ_GAP result (0 otherwise). */
  skipped = 0;
  /** Seqs that became lost during the last observe() or flush() call; drivers add it to SEQ_GAPS. */
  newlyLost = 0;

  constructor() {
    this.reset();
  }

  /** Starts a new connection; `nextSeq` (an integer ≥ 0) makes seqs from it on expected. */
  reset(nextSeq = -1): void {
    this.#bits.fill(0xffffffff);
    this.#expected = nextSeq >= 0 ? nextSeq : -1;
    this.#base = nextSeq >= 0 ? nextSeq : 0;
    this.#missing = 0;
    this.lost = 0;
    this.reorders = 0;
    this.duplicates = 0;
    this.skipped = 0;
    this.newlyLost = 0;
  }

  /** Missing seqs still inside the window (may yet arrive as reorders). */
  get pendingMissing(): number {
    return this.#missing;
  }

  /** Highest seq seen + 1, or -1 before the first seq. */
  get expected(): number {
    return this.#expected;
  }

  /** Accounts one received integer seq ≥ 0. */
  observe(seq: number): SeqResult {
    this.newlyLost = 0;
    this.skipped = 0;
    const e = this.#expected;
    if (e < 0) {
      this.#expected = seq + 1;
      this.#base = seq;
      return SEQ_OK;
    }
    if (seq >= e) {
      this.#advance(e, seq + 1);
      this.#set(seq);
      if (seq === e) return SEQ_OK;
      this.skipped = seq - e;
      return SEQ_GAP;
    }
    if (seq < e - SEQ_WINDOW || seq < this.#base) {
      this.reorders++;
      return SEQ_STALE;
    }
    const w = (seq & MASK) >>> 5;
    const bit = 1 << (seq & 31);
    if ((this.#bits[w]! & bit) !== 0) {
      this.duplicates++;
      return SEQ_DUP;
    }
    this.#bits[w]! |= bit;
    this.#missing--;
    this.reorders++;
    return SEQ_REORDER;
  }

  /** End of connection: every seq still missing is lost; returns how many (also in newlyLost). */
  flush(): number {
    const n = this.#missing;
    this.lost += n;
    this.newlyLost = n;
    this.#missing = 0;
    this.#bits.fill(0xffffffff);
    return n;
  }

  /** Moves `expected` from e to n > e: slots leaving the window are judged, new ones start missing. */
  #advance(e: number, n: number): void {
    const d = n - e;
    const slots = d < SEQ_WINDOW ? d : SEQ_WINDOW;
    let leftMissing = 0;
    // An entering seq s reuses the slot of s - WINDOW, which leaves the window.
    for (let s = n - slots; s < n; s++) {
      const w = (s & MASK) >>> 5;
      const bit = 1 << (s & 31);
      if ((this.#bits[w]! & bit) === 0) leftMissing++;
      this.#bits[w]! &= ~bit;
    }
    this.#missing += slots - leftMissing;
    // Seqs skipped so far ahead that they never fit in the window are lost at once.
    const lostNow = leftMissing + (d > SEQ_WINDOW ? d - SEQ_WINDOW : 0);
    this.#expected = n;
    this.lost += lostNow;
    this.newlyLost = lostNow;
  }

  #set(seq: number): void {
    this.#bits[(seq & MASK) >>> 5]! |= 1 << (seq & 31);
    this.#missing--;
  }
}
