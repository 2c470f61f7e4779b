// Incremental NDJSON framing over byte chunks: split on LF (CRLF tolerated), decode nothing, carry
// partial lines (and so split UTF-8 characters) to the next chunk. Hot-path invariants: no strings,
// closures or events per line; the carry grows per connection, never per line; bounded by maxLineBytes.

import { ByteCarry, asBuffer } from './byte-carry.js';
import { isJsonShaped } from './json-shape.js';

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of an oversize line kept for its error sample. */
const SAMPLE_BYTES = 256;

/** Problems the framer reports; the stream always continues after one. */
export const NDJSON_PARSE_ERRORS = [
  'malformed', // the line is not one JSON value (see NdjsonValidate)
  'line-too-long', // a line over maxLineBytes; skipped up to the next LF
  'truncated-line', // the stream ended inside a line that is not a JSON value
] as const;
/** One of NDJSON_PARSE_ERRORS. */
export type NdjsonParseError = (typeof NDJSON_PARSE_ERRORS)[number];

/** How a line is checked: 'shape' is a byte scan (json-shape.ts), 'full' runs JSON.parse (allocates), 'none' trusts it. */
export type NdjsonValidate = 'shape' | 'full' | 'none';

/** Receives lines and problems; one object per connection, called synchronously from push(). */
export interface NdjsonHandler {
  /** A complete line without its line ending: `line[start, end)`, valid only during the call. */
  onLine(line: Buffer, start: number, end: number): void;
  /** A parse problem; `bytes[start, end)` is the offending line or a prefix of it (see escapeSample). */
  onParseError(code: NdjsonParseError, bytes: Buffer, start: number, end: number): void;
}

/** Framing guards and the validation level. */
export interface NdjsonParserOptions {
  /** Longest line kept, in bytes, not counting the line ending (default 1 MiB). */
  maxLineBytes?: number;
  /** Default 'shape'. */
  validate?: NdjsonValidate;
}

/** One connection's NDJSON line framer; reset() between connections. */
export class NdjsonParser {
  /** Lines delivered since construction. */
  lines = 0;
  /** Parse problems reported since construction. */
  errors = 0;

  readonly #h: NdjsonHandler;
  readonly #maxLine: number;
  readonly #validate: NdjsonValidate;
  readonly #line = new ByteCarry(256);
  #skipLine = false;
  #gen = 0;

  /** Creates a framer that reports to `handler`. */
  constructor(handler: NdjsonHandler, options: NdjsonParserOptions = {}) {
    this.#h = handler;
    this.#maxLine = options.maxLineBytes ?? 1 << 20;
    this.#validate = options.validate ?? 'shape';
  }

  /** Feeds the next chunk of the response body; handler calls happen before it returns. */
  push(input: Uint8Array): void {
    const chunk = asBuffer(input);
    const n = chunk.length;
    const gen = this.#gen;
    const line = this.#line;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        if (this.#skipLine) return;
        if (line.len + (n - pos) > this.#maxLine) {
          line.append(chunk, pos, pos + Math.min(n - pos, SAMPLE_BYTES));
          this.#error('line-too-long', line.buf, 0, Math.min(line.len, SAMPLE_BYTES));
          line.len = 0;
          this.#skipLine = true;
        } else {
          line.append(chunk, pos, n);
        }
        return;
      }
      if (this.#skipLine) {
        this.#skipLine = false;
      } else if (line.len === 0) {
        if (nl - pos > this.#maxLine) this.#error('line-too-long', chunk, pos, Math.min(nl, pos + SAMPLE_BYTES));
        else this.#deliver(chunk, pos, nl);
      } else if (line.len + (nl - pos) > this.#maxLine) {
        line.len = 0;
        this.#error('line-too-long', chunk, pos, Math.min(nl, pos + SAMPLE_BYTES));
      } else {
        line.append(chunk, pos, nl);
        const len = line.len;
        line.len = 0; // deliver() is synchronous, so the carry is free again once it returns
        this.#deliver(line.buf, 0, len);
      }
      if (this.#gen !== gen) return;
      pos = nl + 1;
    }
  }

  /** The response ended: a last line without LF is delivered if it is a JSON value, else reported as truncated. */
  end(): void {
    const line = this.#line;
    if (this.#skipLine) {
      this.#skipLine = false;
    } else if (line.len > 0) {
      let e = line.len;
      if (line.buf[e - 1] === CR) e--;
      if (e > 0) {
        if (this.#validate !== 'none' && !this.#valid(line.buf, 0, e)) this.#error('truncated-line', line.buf, 0, e);
        else this.#emit(line.buf, 0, e);
      }
    }
    this.reset();
  }

  /** Forgets any partial line, for a new connection; keeps the counters. */
  reset(): void {
    this.#gen++;
    this.#line.len = 0;
    this.#skipLine = false;
  }

  #deliver(b: Buffer, s: number, e: number): void {
    if (e > s && b[e - 1] === CR) e--;
    if (e === s) return; // blank lines separate nothing in NDJSON; tolerated silently
    if (this.#validate !== 'none' && !this.#valid(b, s, e)) return this.#error('malformed', b, s, e);
    this.#emit(b, s, e);
  }

  #emit(b: Buffer, s: number, e: number): void {
    this.lines++;
    this.#h.onLine(b, s, e);
  }

  #valid(b: Buffer, s: number, e: number): boolean {
    if (this.#validate === 'shape') return isJsonShaped(b, s, e);
    try {
      JSON.parse(b.toString('utf8', s, e));
      return true;
    } catch {
      return false;
    }
  }

  #error(code: NdjsonParseError, b: Buffer, s: number, e: number): void {
    this.errors++;
    this.#h.onParseError(code, b, s, e);
  }
}
