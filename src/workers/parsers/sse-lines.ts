// Incremental text/event-stream parser (WHATWG HTML §9.2.6) over byte chunks, carrying partial lines
// over like undici eventsource-stream.js. Hot-path invariants: no strings, closures or events per event;
// data handed out as bytes (zero-copy for one line in one chunk); buffers grow per connection only.

import { ByteCarry, asBuffer, bytesEqual as isField } from './byte-carry.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DATA = Buffer.from('data');
const EVENT = Buffer.from('event');
const ID = Buffer.from('id');
const RETRY = Buffer.from('retry');
/** Bytes of an oversize line or event kept for its error sample. */
const SAMPLE_BYTES = 256;

/** Problems the parser reports; the stream always continues after one. */
export const SSE_PARSE_ERRORS = [
  'invalid-retry', // retry value is not only ASCII digits (ignored, as the spec says)
  'invalid-id', // id value contains NUL (ignored, as the spec says)
  'line-too-long', // a line over maxLineBytes; its event is dropped
  'event-too-large', // data over maxEventBytes; the event is dropped
  'truncated-event', // the stream ended inside a line or an event that was never dispatched
] as const;
/** One of SSE_PARSE_ERRORS. */
export type SseParseError = (typeof SSE_PARSE_ERRORS)[number];

/** Receives what the parser finds; one object per connection, called synchronously from push(). */
export interface SseHandler {
  /** An event was dispatched: `data[start, end)` is its data (lines joined by LF), valid only during the call. */
  onEvent(data: Buffer, start: number, end: number, parser: SseParser): void;
  /** A comment line (a heartbeat): `line[start, end)` is the text after the colon. */
  onComment(line: Buffer, start: number, end: number): void;
  /** A valid retry field: the server's reconnection time hint in ms. */
  onRetry(ms: number): void;
  /** A parse problem; `bytes[start, end)` is the offending line or a prefix of it (see escapeSample). */
  onParseError(code: SseParseError, bytes: Buffer, start: number, end: number): void;
}

/** Size guards; both bound the memory one connection can make the parser hold. */
export interface SseParserOptions {
  /** Longest line kept, in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** Largest event data kept, in bytes (default 4 MiB). */
  maxEventBytes?: number;
}

/** One connection's event-stream parser; reset() between connections keeps the last event ID. */
export class SseParser {
  /** Events dispatched and parse problems reported since construction. */
  events = 0;
  errors = 0;

  readonly #h: SseHandler;
  readonly #maxLine: number;
  readonly #maxEvent: number;
  readonly #line = new ByteCarry(256);
  readonly #data = new ByteCarry(256);
  readonly #type = new ByteCarry(32);
  readonly #idBuf = new ByteCarry(32);
  readonly #lastId = new ByteCarry(32);
  #lastIdText = '';
  #lastIdDirty = false;
  #bomSeen = 0; // BOM bytes matched at the stream start; -1 once past it
  #afterCR = false; // the previous chunk ended with CR: a leading LF belongs to it
  #skipLine = false; // inside an oversize line, dropping bytes until its end
  #skipEvent = false; // dropping the current event until the blank line
  #dataLines = 0;
  #ref: Buffer | null = null; // single data line still inside the current chunk
  #refStart = 0;
  #refEnd = 0;
  #chunk: Buffer | null = null;
  #gen = 0;

  /** Creates a parser that reports to `handler`. */
  constructor(handler: SseHandler, options: SseParserOptions = {}) {
    this.#h = handler;
    this.#maxLine = options.maxLineBytes ?? 1 << 20;
    this.#maxEvent = options.maxEventBytes ?? 4 << 20;
  }

  /** Feeds the next chunk of the response body; handler calls happen before it returns. */
  push(input: Uint8Array): void {
    const chunk = asBuffer(input);
    const n = chunk.length;
    let pos = 0;
    if (n === 0) return;
    if (this.#bomSeen >= 0) {
      pos = this.#stripBom(chunk);
      if (pos === n) return;
    }
    if (this.#afterCR) {
      this.#afterCR = false;
      if (chunk[pos] === LF) pos++;
    }
    const gen = this.#gen;
    this.#chunk = chunk;
    let nextLf = chunk.indexOf(LF, pos);
    let nextCr = chunk.indexOf(CR, pos);
    while (pos < n) {
      if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = chunk.indexOf(CR, pos);
      const eol = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : nextLf < nextCr ? nextLf : nextCr;
      if (eol === -1) {
        this.#carry(chunk, pos, n);
        break;
      }
      this.#endLine(chunk, pos, eol);
      if (this.#gen !== gen) return;
      pos = eol + 1;
      if (chunk[eol] === CR) {
        if (pos === n) this.#afterCR = true;
        else if (chunk[pos] === LF) pos++;
      }
    }
    this.#chunk = null;
    this.#spill(); // the chunk is only ours until push() returns
  }

  /** The response ended: reports a line or event cut off by the end, then forgets it. */
  end(): void {
    // Outside push() a pending data line always lives in #data, never in a chunk.
    if (this.#line.len > 0 || this.#skipLine) this.#error('truncated-event', this.#line.buf, 0, this.#line.len);
    else if (this.#dataLines > 0) this.#error('truncated-event', this.#data.buf, 0, this.#data.len);
    this.reset();
  }

  /** Forgets partial lines and the pending event for a new connection; keeps the last event ID and counters. */
  reset(): void {
    this.#gen++;
    this.#chunk = null;
    this.#line.len = 0;
    this.#bomSeen = 0;
    this.#afterCR = false;
    this.#skipLine = false;
    this.#clearEvent();
    this.#idBuf.copyFrom(this.#lastId);
  }

  /** The current event's data decoded as UTF-8 (allocates; valid only inside onEvent). */
  dataText(): string {
    const ref = this.#ref;
    return ref ? ref.toString('utf8', this.#refStart, this.#refEnd) : this.#data.buf.toString('utf8', 0, this.#data.len);
  }

  /** The current event's type: its `event` field, or 'message' (allocates unless 'message'). */
  eventType(): string {
    return this.#type.len === 0 ? 'message' : this.#type.buf.toString('utf8', 0, this.#type.len);
  }

  /** The last event ID string as of the last dispatch ('' when none): the value for Last-Event-ID. */
  lastEventId(): string {
    if (this.#lastIdDirty) {
      this.#lastIdText = this.#lastId.buf.toString('utf8', 0, this.#lastId.len);
      this.#lastIdDirty = false;
    }
    return this.#lastIdText;
  }

  #stripBom(chunk: Buffer): number {
    let pos = 0;
    while (pos < chunk.length && this.#bomSeen < 3 && chunk[pos] === BOM[this.#bomSeen]) {
      pos++;
      this.#bomSeen++;
    }
    if (this.#bomSeen === 3) {
      this.#bomSeen = -1;
    } else if (pos < chunk.length) {
      this.#line.append(BOM, 0, this.#bomSeen); // not a BOM after all: ordinary line bytes
      this.#bomSeen = -1;
    }
    return pos;
  }

  #carry(chunk: Buffer, pos: number, n: number): void {
    if (this.#skipLine) return;
    if (this.#line.len + (n - pos) <= this.#maxLine) return this.#line.append(chunk, pos, n);
    this.#line.append(chunk, pos, pos + Math.min(n - pos, SAMPLE_BYTES));
    this.#tooLong(this.#line.buf, 0, this.#line.len);
    this.#line.len = 0;
    this.#skipLine = true;
  }

  #endLine(chunk: Buffer, pos: number, eol: number): void {
    const line = this.#line;
    if (this.#skipLine) {
      this.#skipLine = false;
    } else if (line.len + (eol - pos) > this.#maxLine) {
      line.len = 0;
      this.#tooLong(chunk, pos, eol);
    } else if (line.len === 0) {
      this.#parseLine(chunk, pos, eol);
    } else {
      line.append(chunk, pos, eol);
      const len = line.len;
      line.len = 0; // parseLine copies whatever it keeps, so the carry is free again
      this.#parseLine(line.buf, 0, len);
    }
  }

  #tooLong(b: Buffer, s: number, e: number): void {
    this.#error('line-too-long', b, s, Math.min(e, s + SAMPLE_BYTES));
    this.#skipEvent = true;
    this.#dropData();
  }

  #parseLine(b: Buffer, s: number, e: number): void {
    if (s === e) return this.#dispatch();
    if (b[s] === COLON) return this.#h.onComment(b, s + 1, e);
    let c = s;
    while (c < e && b[c] !== COLON) c++;
    const nameLen = c - s;
    let v = c < e ? c + 1 : e;
    if (v < e && b[v] === SPACE) v++;
    if (isField(b, s, nameLen, DATA)) {
      this.#addData(b, v, e);
    } else if (isField(b, s, nameLen, EVENT)) {
      if (this.#skipEvent) return;
      this.#type.len = 0;
      this.#type.append(b, v, e);
    } else if (isField(b, s, nameLen, ID)) {
      for (let i = v; i < e; i++) if (b[i] === 0) return this.#error('invalid-id', b, s, e);
      this.#idBuf.len = 0;
      this.#idBuf.append(b, v, e);
    } else if (isField(b, s, nameLen, RETRY)) {
      if (v === e) return this.#error('invalid-retry', b, s, e);
      let ms = 0;
      for (let i = v; i < e; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) return this.#error('invalid-retry', b, s, e);
        ms = ms * 10 + d;
      }
      this.#h.onRetry(ms);
    }
    // Any other field name is ignored, as the spec says.
  }

  #addData(b: Buffer, v: number, e: number): void {
    if (this.#skipEvent) return;
    const have = this.#dataLines === 0 ? 0 : (this.#ref ? this.#refEnd - this.#refStart : this.#data.len) + 1;
    if (have + (e - v) > this.#maxEvent) {
      this.#error('event-too-large', b, v, Math.min(e, v + SAMPLE_BYTES));
      this.#skipEvent = true;
      this.#dropData();
      return;
    }
    if (this.#dataLines === 0 && b === this.#chunk) {
      this.#ref = b; // zero-copy until a second line comes or push() returns
      this.#refStart = v;
      this.#refEnd = e;
    } else {
      this.#spill();
      if (this.#dataLines > 0) this.#data.appendByte(LF); // #data is empty while #dataLines is 0
      this.#data.append(b, v, e);
    }
    this.#dataLines++;
  }

  #dispatch(): void {
    if (!this.#idBuf.equals(this.#lastId)) {
      this.#lastId.copyFrom(this.#idBuf);
      this.#lastIdDirty = true; // decoded only when asked: ids usually change with every event
    }
    if (this.#skipEvent || this.#dataLines === 0) return this.#clearEvent();
    this.events++;
    const ref = this.#ref;
    if (ref) this.#h.onEvent(ref, this.#refStart, this.#refEnd, this);
    else this.#h.onEvent(this.#data.buf, 0, this.#data.len, this);
    this.#clearEvent();
  }

  /** Moves a zero-copy data line out of the chunk into #data. */
  #spill(): void {
    if (this.#ref === null) return;
    this.#data.len = 0;
    this.#data.append(this.#ref, this.#refStart, this.#refEnd);
    this.#ref = null;
  }

  #dropData(): void {
    this.#dataLines = 0;
    this.#ref = null;
    this.#data.len = 0;
  }

  #clearEvent(): void {
    this.#dropData();
    this.#type.len = 0;
    this.#skipEvent = false;
  }

  #error(code: SseParseError, b: Buffer, s: number, e: number): void {
    this.errors++;
    this.#h.onParseError(code, b, s, e);
  }
}
