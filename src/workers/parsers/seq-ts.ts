// Finds the top-level `"seq":<int>` and `"ts":<number>` members of a JSON object in its bytes,
// without JSON.parse or strings (the lab puts both first, so the scan stops early). Hot-path
// invariants: writes into a caller-owned result object; allocates only for a number too long for
// the exact fast path (over 2^53 or beyond 1e±22), which the lab never sends.

import { bytesEqual } from './byte-carry.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;

// Every power of ten up to 1e22 is exact in a double, so mantissa * or / POW10[k] rounds once
// and matches parseFloat (Clinger's fast path).
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where a scan writes what it found; reuse one per connection. */
export interface SeqTsResult {
  /** True when a top-level integer seq member was found. */
  hasSeq: boolean;
  /** The seq value; meaningful only when hasSeq. */
  seq: number;
  /** True when a top-level numeric ts member was found. */
  hasTs: boolean;
  /** The ts value (the sender's epoch ms in the lab); meaningful only when hasTs. */
  ts: number;
}

/** A fresh result object (allocate once per connection). */
export function createSeqTsResult(): SeqTsResult {
  return { hasSeq: false, seq: 0, hasTs: false, ts: 0 };
}

/** The member names to look for. */
export interface SeqTsFields {
  /** Default 'seq'. */
  seqField?: string;
  /** Default 'ts'. */
  tsField?: string;
}

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Scans JSON object bytes for two configured numeric members; one scanner may serve every connection. */
export class SeqTsScanner {
  readonly #seqKey: Buffer;
  readonly #tsKey: Buffer;
  #num = 0;

  /** Creates a scanner for the given member names (plain names; escaped keys are not matched). */
  constructor(fields: SeqTsFields = {}) {
    this.#seqKey = Buffer.from(fields.seqField ?? 'seq', 'utf8');
    this.#tsKey = Buffer.from(fields.tsField ?? 'ts', 'utf8');
  }

  /** Fills `out` from the object in `b[start, end)`; members inside nested values are ignored. */
  scan(b: Uint8Array, start: number, end: number, out: SeqTsResult): SeqTsResult {
    out.hasSeq = false;
    out.hasTs = false;
    let i = start;
    while (i < end && isWs(b[i])) i++;
    if (b[i] !== 0x7b) return out;
    i++;
    let depth = 1;
    let expectKey = true;
    while (i < end) {
      const c = b[i]!;
      if (c === QUOTE) {
        const keyStart = i + 1;
        i = skipString(b, keyStart, end);
        if (i < 0) return out;
        if (depth !== 1 || !expectKey) continue;
        expectKey = false;
        const which = this.#which(b, keyStart, i - 1);
        if (which === 0) continue;
        let j = i;
        while (j < end && isWs(b[j])) j++;
        if (b[j] !== COLON) return out;
        j++;
        while (j < end && isWs(b[j])) j++;
        const numEnd = this.#number(b, j, end);
        if (numEnd < 0) continue;
        if (which === 1) {
          if (Number.isInteger(this.#num)) {
            out.hasSeq = true;
            out.seq = this.#num;
          }
        } else {
          out.hasTs = true;
          out.ts = this.#num;
        }
        if (out.hasSeq && out.hasTs) return out;
        i = numEnd;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return out;
      } else if (c === COMMA && depth === 1) expectKey = true;
      i++;
    }
    return out;
  }

  /** 1 for the seq key, 2 for the ts key, 0 for anything else. */
  #which(b: Uint8Array, s: number, e: number): number {
    if (bytesEqual(b, s, e - s, this.#seqKey)) return 1;
    if (bytesEqual(b, s, e - s, this.#tsKey)) return 2;
    return 0;
  }

  /** Parses a JSON number at `s` into #num; returns the index after it, or -1 when there is none. */
  #number(b: Uint8Array, s: number, end: number): number {
    let i = s;
    const neg = b[i] === MINUS;
    if (neg) i++;
    let mant = 0;
    let digits = 0;
    let scale = 0;
    let d: number;
    while (i < end && (d = b[i]! - 0x30) >= 0 && d <= 9) {
      mant = mant * 10 + d;
      digits++;
      i++;
    }
    if (digits === 0) return -1;
    if (b[i] === DOT) {
      i++;
      const before = digits;
      while (i < end && (d = b[i]! - 0x30) >= 0 && d <= 9) {
        mant = mant * 10 + d;
        digits++;
        scale--;
        i++;
      }
      if (digits === before) return -1;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      const expNeg = b[i] === MINUS;
      if (expNeg || b[i] === 0x2b) i++;
      let exp = 0;
      const expStart = i;
      while (i < end && (d = b[i]! - 0x30) >= 0 && d <= 9) {
        exp = exp * 10 + d;
        i++;
      }
      if (i === expStart) return -1;
      scale += expNeg ? -exp : exp;
    }
    if (mant <= Number.MAX_SAFE_INTEGER && scale >= -22 && scale <= 22) {
      const v = scale >= 0 ? mant * POW10[scale]! : mant / POW10[-scale]!;
      this.#num = neg ? -v : v;
    } else {
      // Rare: more than 15-16 significant digits or a large exponent; let the engine round it.
      this.#num = Number(Buffer.from(b.buffer, b.byteOffset + s, i - s).toString('latin1'));
    }
    return i;
  }
}

/** Index after the string whose opening quote is at `i - 1`, or -1 when it is not closed before `end`. */
function skipString(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return -1;
}
