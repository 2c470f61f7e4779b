// Incremental text/event-stream parser (WHATWG HTML §9.2.6 "Interpreting an event stream") over
// byte chunks, carrying partial lines over like undici eventsource-stream.js. Hot-path invariants:
// no strings, closures or events per event; data is handed out as bytes (zero-copy when one line
// inside one chunk); buffers grow per connection, never per event; never buffers a whole stream.

import { ByteCarry, asBuffer } from './byte-carry.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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
  /** Events dispatched since construction. */
  events = 0;
  /** Comment lines seen since construction. */
  comments = 0;
  /** Parse problems reported since construction. */
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
  #curStart = 0;
  #curEnd = 0;
  #curSrc: Buffer | null = null;

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
    if (this.#ref !== null) {
      // The chunk is only ours until push() returns: keep the pending data line ourselves.
      this.#data.len = 0;
      this.#data.append(this.#ref, this.#refStart, this.#refEnd);
      this.#ref = null;
    }
  }

  /** The response ended: reports a line or event cut off by the end, then forgets it. */
  end(): void {
    if (this.#line.len > 0 || this.#skipLine) {
      this.#error('truncated-event', this.#line.buf, 0, this.#line.len);
    } else if (this.#dataLines > 0) {
      const src = this.#ref ?? this.#data.buf;
      this.#error('truncated-event', src, this.#ref ? this.#refStart : 0, this.#ref ? this.#refEnd : this.#data.len);
    }
    this.reset();
  }

  /** Forgets partial lines and the pending event for a new connection; keeps the last event ID and counters. */
  reset(): void {
    this.#gen++;
    this.#line.len = 0;
    this.#bomSeen = 0;
    this.#afterCR = false;
    this.#skipLine = false;
    this.#clearEvent();
    this.#idBuf.copyFrom(this.#lastId);
  }

  /** The current event's data decoded as UTF-8 (allocates; call only from onEvent when needed). */
  dataText(): string {
    return this.#curSrc === null ? '' : this.#curSrc.toString('utf8', this.#curStart, this.#curEnd);
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
    while (pos < chunk.length && this.#bomSeen < 3) {
      if (chunk[pos] !== BOM[this.#bomSeen]) {
        // Not a BOM after all: the bytes matched so far are ordinary line bytes.
        this.#line.append(BOM, 0, this.#bomSeen);
        this.#bomSeen = -1;
        return pos;
      }
      this.#bomSeen++;
      pos++;
    }
    if (this.#bomSeen === 3) this.#bomSeen = -1;
    return pos;
  }

  #carry(chunk: Buffer, pos: number, n: number): void {
    if (this.#skipLine) return;
    if (this.#line.len + (n - pos) > this.#maxLine) {
      this.#line.append(chunk, pos, pos + Math.min(n - pos, 256));
      this.#error('line-too-long', this.#line.buf, 0, this.#line.len);
      this.#line.len = 0;
      this.#skipLine = true;
      this.#skipEvent = true;
      this.#dropData();
      return;
    }
    this.#line.append(chunk, pos, n);
  }

  #endLine(chunk: Buffer, pos: number, eol: number): void {
    if (this.#skipLine) {
      this.#skipLine = false;
      return;
    }
    if (this.#line.len === 0) {
      if (eol - pos > this.#maxLine) return this.#tooLong(chunk, pos, eol);
      return this.#parseLine(chunk, pos, eol);
    }
    const line = this.#line;
    if (line.len + (eol - pos) > this.#maxLine) {
      line.len = 0;
      return this.#tooLong(chunk, pos, eol);
    }
    line.append(chunk, pos, eol);
    const len = line.len;
    line.len = 0; // parseLine copies whatever it keeps, so the carry is free again
    this.#parseLine(line.buf, 0, len);
  }

  #tooLong(chunk: Buffer, pos: number, eol: number): void {
    this.#error('line-too-long', chunk, pos, Math.min(eol, pos + 256));
    this.#skipEvent = true;
    this.#dropData();
  }

  #parseLine(b: Buffer, s: number, e: number): void {
    if (s === e) return this.#dispatch();
    if (b[s] === COLON) {
      this.comments++;
      this.#h.onComment(b, s + 1, e);
      return;
    }
    let c = s;
    while (c < e && b[c] !== COLON) c++;
    const nameLen = c - s;
    let v = c < e ? c + 1 : e;
    if (v < e && b[v] === SPACE) v++;
    const c0 = b[s];
    if (nameLen === 4 && c0 === 0x64 && b[s + 1] === 0x61 && b[s + 2] === 0x74 && b[s + 3] === 0x61) {
      this.#addData(b, v, e);
    } else if (nameLen === 5 && c0 === 0x65 && b[s + 1] === 0x76 && b[s + 2] === 0x65 && b[s + 3] === 0x6e && b[s + 4] === 0x74) {
      if (this.#skipEvent) return;
      this.#type.len = 0;
      this.#type.append(b, v, e);
    } else if (nameLen === 2 && c0 === 0x69 && b[s + 1] === 0x64) {
      for (let i = v; i < e; i++) if (b[i] === 0) return this.#error('invalid-id', b, s, e);
      this.#idBuf.len = 0;
      this.#idBuf.append(b, v, e);
    } else if (nameLen === 5 && c0 === 0x72 && b[s + 1] === 0x65 && b[s + 2] === 0x74 && b[s + 3] === 0x72 && b[s + 4] === 0x79) {
      let ms = 0;
      for (let i = v; i < e; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) return this.#error('invalid-retry', b, s, e);
        ms = ms * 10 + d;
      }
      if (v === e) return this.#error('invalid-retry', b, s, e);
      this.#h.onRetry(ms);
    }
    // Any other field name is ignored, as the spec says.
  }

  #addData(b: Buffer, v: number, e: number): void {
    if (this.#skipEvent) return;
    const have = this.#dataLines === 0 ? 0 : (this.#ref ? this.#refEnd - this.#refStart : this.#data.len) + 1;
    if (have + (e - v) > this.#maxEvent) {
      this.#error('event-too-large', b, v, Math.min(e, v + 256));
      this.#skipEvent = true;
      this.#dropData();
      return;
    }
    if (this.#dataLines === 0) {
      if (b === this.#chunk) {
        this.#ref = b;
        this.#refStart = v;
        this.#refEnd = e;
      } else {
        this.#data.len = 0;
        this.#data.append(b, v, e);
      }
    } else {
      if (this.#ref !== null) {
        this.#data.len = 0;
        this.#data.append(this.#ref, this.#refStart, this.#refEnd);
        this.#ref = null;
      }
      this.#data.appendByte(LF);
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
    const ref = this.#ref;
    this.#curSrc = ref ?? this.#data.buf;
    this.#curStart = ref ? this.#refStart : 0;
    this.#curEnd = ref ? this.#refEnd : this.#data.len;
    this.events++;
    this.#h.onEvent(this.#curSrc, this.#curStart, this.#curEnd, this);
    this.#curSrc = null;
    this.#clearEvent();
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
