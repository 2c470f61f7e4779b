// Test helper: an SseHandler that writes everything it sees into one comparable log of strings.
import { SseParser, type SseHandler, type SseParseError, type SseParserOptions } from '../../../src/workers/parsers/sse-lines.js';

/** Log lines: `event <type> <data as JSON> id=<last id>`, `comment <text>`, `retry <ms>`, `error <code>`. */
export class SseLog implements SseHandler {
  readonly log: string[] = [];
  readonly samples: string[] = [];
  readonly parser: SseParser;

  constructor(options?: SseParserOptions) {
    this.parser = new SseParser(this, options);
  }

  onEvent(data: Buffer, start: number, end: number, parser: SseParser): void {
    const text = data.toString('utf8', start, end);
    if (text !== parser.dataText()) throw new Error('dataText() disagrees with the bytes');
    this.log.push(`event ${parser.eventType()} ${JSON.stringify(text)} id=${parser.lastEventId()}`);
  }
  onComment(line: Buffer, start: number, end: number): void {
    this.log.push(`comment ${line.toString('utf8', start, end)}`);
  }
  onRetry(ms: number): void {
    this.log.push(`retry ${ms}`);
  }
  onParseError(code: SseParseError, bytes: Buffer, start: number, end: number): void {
    this.log.push(`error ${code}`);
    this.samples.push(bytes.toString('utf8', start, end));
  }
}

/** Parses `chunks` in order, then ends the stream; returns the log. */
export function parseSse(chunks: Array<string | Uint8Array>, options?: SseParserOptions, end = true): string[] {
  const h = new SseLog(options);
  for (const c of chunks) h.parser.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  if (end) h.parser.end();
  return h.log;
}

/** Deterministic PRNG (mulberry32) for reproducible split points. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `bytes` cut at the given sorted offsets. */
export function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}
