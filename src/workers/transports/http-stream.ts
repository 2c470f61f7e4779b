// One HTTP streaming request (SSE or NDJSON) per simulated client, on its own undici Client through
// a dispatch handler; reports to one handlers object. Hot-path invariants: allocate per attempt,
// never per event; no closures, promises, emits or JSON.parse per event; one performance.now() per chunk.
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import { ERROR_CODES } from '../../protocol.js';
import { NdjsonParser, type NdjsonHandler, type NdjsonParseError, type NdjsonParserOptions } from '../parsers/ndjson-lines.js';
import { SeqTsScanner, createSeqTsResult, type SeqTsResult } from '../parsers/seq-ts.js';
import { SseParser, type SseHandler, type SseParseError, type SseParserOptions } from '../parsers/sse-lines.js';

/** Response headers as undici parses them (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Wire format of the response body. */
export type StreamFormat = 'sse' | 'ndjson';
/** A parse problem from either parser. */
export type StreamParseError = SseParseError | NdjsonParseError;

/** How a stream attempt ended. */
export const STREAM_END_REASONS = [
  'end', // the server finished the response
  'reset', // the connection broke (ECONNRESET, EPIPE, "other side closed"), before or after the head
  'timeout', // connect, response head or idle-body deadline (idleTimeoutMs) passed
  'status', // the response status was not 2xx, or was 204 (SSE: "do not reconnect")
  'content-type', // SSE response without text/event-stream
  'aborted', // close() was called
  'error', // anything else (ECONNREFUSED, TLS, malformed HTTP); see the code
] as const;
/** One of STREAM_END_REASONS. */
export type StreamEndReason = (typeof STREAM_END_REASONS)[number];

/** What one client's stream needs; fixed for the client's life. */
export interface HttpStreamOptions extends SseParserOptions, Pick<NdjsonParserOptions, 'validate'> {
  /** http(s) URL; an `sse+` or `ndjson+` scheme prefix is accepted and dropped. */
  url: string;
  format: StreamFormat;
  /** Extra request headers; they override the defaults (accept, cache-control) but not Last-Event-ID. */
  headers?: Record<string, string>;
  /** TCP/TLS connect deadline, and again the deadline for the response head (default 10000). */
  connectTimeoutMs?: number;
  /** Longest silence in the body before the attempt ends as 'timeout'; 0 = never (default 0). Paused streams never time out. */
  idleTimeoutMs?: number;
  localAddress?: string;
  /** Accept self-signed certificates when false (default true). */
  rejectUnauthorized?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string;
  /** Scanner for seq/ts members; share one per worker (default: a scanner for 'seq' and 'ts'). */
  scanner?: SeqTsScanner | null;
}

/** Callbacks for one client or shared by many; `s.user` holds the caller's per-client state. */
export interface HttpStreamHandlers<T> {
  /** Response head arrived: time to first byte is `s.responseAtMs - s.startedAtMs`. */
  onResponse(s: HttpStream<T>, statusCode: number, headers: ResponseHeaders): void;
  /** One SSE event or NDJSON line: `data[start, end)`, valid only during the call; `s.seqTs` is filled. */
  onEvent(s: HttpStream<T>, data: Buffer, start: number, end: number): void;
  /** An SSE comment line (heartbeat): `text[start, end)` is what follows the colon. */
  onHeartbeat(s: HttpStream<T>, text: Buffer, start: number, end: number): void;
  /** A parse problem; pass the bytes to escapeSample() for a report sample. */
  onParseError(s: HttpStream<T>, code: StreamParseError, bytes: Buffer, start: number, end: number): void;
  /** The attempt is over; `code` is an error code ('' for end/status), `statusCode` 0 if no head came. */
  onEnd(s: HttpStream<T>, reason: StreamEndReason, code: string, statusCode: number): void;
  /** Optional: each body chunk's size, before its events (slow readers meter bytes here). */
  onChunk?(s: HttpStream<T>, bytes: number): void;
}

// Our own abort reason; #endReason is always set first, so the error itself is never reported.
const OWN_ABORT = Object.assign(new Error('request aborted by soakstorm'), { code: 'SOAKSTORM_ABORT' });
const DEFAULT_SCANNER = new SeqTsScanner();
const EVENT_STREAM = /^\s*text\/event-stream\s*(;|,|$)/i;

/** One simulated client's HTTP stream, reused across reconnects; its on* methods are for undici and the parser. */
export class HttpStream<T = unknown> implements Dispatcher.DispatchHandler, SseHandler, NdjsonHandler {
  /** Caller state for this client. */
  user: T;
  /** seq/ts of the event being reported, rewritten before every onEvent. */
  readonly seqTs: SeqTsResult = createSeqTsResult();
  /** performance.now() at open(), at the TCP connect (0 when a kept-alive socket was reused), at the head, at the last chunk, at the end. */
  startedAtMs = 0;
  connectedAtMs = 0;
  responseAtMs = 0;
  chunkAtMs = 0;
  endedAtMs = 0;
  statusCode = 0;
  /** Body bytes since construction. */
  bytesReceived = 0;
  /** The last SSE retry hint in ms, or -1 when the server never sent one. */
  retryHintMs = -1;

  readonly #opts: HttpStreamOptions;
  readonly #h: HttpStreamHandlers<T>;
  readonly #origin: string;
  readonly #path: string;
  readonly #parser: SseParser | NdjsonParser;
  readonly #scanner: SeqTsScanner | null;
  readonly #onConnect = (): void => {
    this.connectedAtMs = performance.now();
  };
  #client: Client | null = null;
  #controller: Dispatcher.DispatchController | null = null;
  #active = false;
  #endReason: StreamEndReason | null = null;
  /** Authorization from the URL's userinfo ('' when none); an explicit header wins. */
  #basicAuth = '';

  /** Prepares a stream; nothing is sent until open(). */
  constructor(options: HttpStreamOptions, handlers: HttpStreamHandlers<T>, user: T) {
    const url = new URL(options.url.replace(/^(sse|ndjson)\+/, ''));
    this.#opts = options;
    this.#h = handlers;
    this.user = user;
    this.#origin = url.origin;
    this.#path = url.pathname + url.search;
    // undici ignores user:password@ in a URL; browsers and curl send it as Basic auth, so do we.
    if (url.username !== '' || url.password !== '') {
      this.#basicAuth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    }
    this.#scanner = options.scanner === null ? null : (options.scanner ?? DEFAULT_SCANNER);
    const limits = { maxLineBytes: options.maxLineBytes, maxEventBytes: options.maxEventBytes, validate: options.validate };
    this.#parser = options.format === 'sse' ? new SseParser(this, limits) : new NdjsonParser(this, limits);
  }

  /** True between open() and onEnd. */
  get active(): boolean {
    return this.#active;
  }

  /** True while reading is paused. */
  get paused(): boolean {
    return this.#controller?.paused ?? false;
  }

  /** The SSE last event ID ('' for none or NDJSON); sent as Last-Event-ID by the next open(). */
  get lastEventId(): string {
    return this.#parser instanceof SseParser ? this.#parser.lastEventId() : '';
  }

  /** Starts one attempt; onResponse, then events, then exactly one onEnd follow. Throws if already active. */
  open(): void {
    if (this.#active) throw new Error('HttpStream.open() while a request is active');
    this.#parser.reset();
    this.#active = true;
    this.#endReason = null;
    this.statusCode = 0;
    this.responseAtMs = 0;
    this.connectedAtMs = 0;
    this.startedAtMs = performance.now();
    const sse = this.#opts.format === 'sse';
    const headers: Record<string, string> = {
      accept: sse ? 'text/event-stream' : 'application/x-ndjson, application/json;q=0.9, */*;q=0.1',
      'cache-control': 'no-cache',
      ...(this.#basicAuth !== '' ? { authorization: this.#basicAuth } : {}),
      ...this.#opts.headers,
    };
    const lastId = this.lastEventId;
    if (lastId !== '') headers['last-event-id'] = lastId; // WHATWG §9.2.4: sent on reconnect when non-empty
    this.#clientOf().dispatch({ origin: this.#origin, path: this.#path, method: 'GET', headers }, this);
  }

  /** Stops reading (TCP backpressure builds up); takes effect after the current chunk. */
  pause(): void {
    this.#controller?.pause();
  }

  /** Resumes reading; buffered chunks may be delivered before this returns. */
  resume(): void {
    this.#controller?.resume();
  }

  /** Ends the current attempt as 'aborted' (onEnd may run before this returns); no-op when idle. */
  close(): void {
    if (!this.#active || this.#endReason !== null) return;
    this.#endReason = 'aborted';
    this.#parser.reset();
    if (this.#controller !== null) {
      this.#controller.abort(OWN_ABORT);
    } else {
      // Still connecting: no controller yet, so fail the queued request by dropping the Client.
      const client = this.#client;
      this.#client = null;
      client?.destroy(OWN_ABORT).catch(() => {});
    }
  }

  /** Closes the attempt and the Client for good. */
  async destroy(): Promise<void> {
    this.close();
    const client = this.#client;
    this.#client = null;
    await client?.destroy();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.#controller = controller;
    this.statusCode = statusCode;
    this.responseAtMs = performance.now();
    this.#h.onResponse(this, statusCode, headers);
    if (this.#endReason !== null) return;
    if (statusCode < 200 || statusCode > 299 || statusCode === 204) {
      this.#endReason = 'status';
    } else if (this.#opts.format === 'sse' && !EVENT_STREAM.test(String(headers['content-type']))) {
      this.#endReason = 'content-type'; // WHATWG §9.2.4: fail the connection
    } else {
      return;
    }
    controller.abort(OWN_ABORT);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#endReason !== null) return;
    this.chunkAtMs = performance.now();
    this.bytesReceived += chunk.length;
    this.#h.onChunk?.(this, chunk.length);
    if (this.#endReason !== null) return;
    this.#parser.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#endReason === null) this.#parser.end();
    this.#finish(this.#endReason ?? 'end', '');
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#endReason !== null) return this.#finish(this.#endReason, ''); // we aborted: OWN_ABORT
    const code = errCode(err);
    this.#finish(CODES.get(code)?.[0] ?? 'error', code);
  }

  onEvent(data: Buffer, start: number, end: number): void {
    if (this.#scanner !== null) this.#scanner.scan(data, start, end, this.seqTs);
    this.#h.onEvent(this, data, start, end);
  }

  onLine(line: Buffer, start: number, end: number): void {
    this.onEvent(line, start, end);
  }

  onComment(line: Buffer, start: number, end: number): void {
    this.#h.onHeartbeat(this, line, start, end);
  }

  onRetry(ms: number): void {
    this.retryHintMs = ms;
  }

  onParseError(code: StreamParseError, bytes: Buffer, start: number, end: number): void {
    this.#h.onParseError(this, code, bytes, start, end);
  }

  #finish(reason: StreamEndReason, code: string): void {
    if (!this.#active) return;
    this.#active = false;
    this.#controller = null;
    this.#parser.reset();
    this.endedAtMs = performance.now();
    this.#h.onEnd(this, reason, code, this.statusCode);
  }

  #clientOf(): Client {
    if (this.#client !== null) return this.#client;
    const o = this.#opts;
    const connectTimeoutMs = o.connectTimeoutMs ?? 10_000;
    const client = new Client(this.#origin, {
      connect: { timeout: connectTimeoutMs, rejectUnauthorized: o.rejectUnauthorized ?? true, ...(o.ca !== undefined ? { ca: o.ca } : {}) },
      headersTimeout: connectTimeoutMs,
      bodyTimeout: o.idleTimeoutMs ?? 0,
      pipelining: 1,
      localAddress: o.localAddress,
    });
    client.on('connect', this.#onConnect);
    this.#client = client;
    return client;
  }
}

/** The code of an undici or socket error ('' when it has none). */
function errCode(err: Error): string {
  const e = err as Error & { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  return typeof e.cause?.code === 'string' ? e.cause.code : '';
}

type ErrorCodeName = (typeof ERROR_CODES)[number];
// Error code -> [how the attempt ended, its ERROR_CODES slot]; other codes end as 'error' and keep
// their own slot when ERROR_CODES has one (ECONNREFUSED, EMFILE, ...).
const CODES = new Map<string, readonly [StreamEndReason, ErrorCodeName]>([
  ['ECONNRESET', ['reset', 'ECONNRESET']],
  ['EPIPE', ['reset', 'EPIPE']],
  ['UND_ERR_SOCKET', ['reset', 'ECONNRESET']], // "other side closed": FIN inside a chunked body
  ['ETIMEDOUT', ['timeout', 'ETIMEDOUT']],
  ['UND_ERR_CONNECT_TIMEOUT', ['timeout', 'ETIMEDOUT']],
  ['UND_ERR_HEADERS_TIMEOUT', ['timeout', 'HANDSHAKE_TIMEOUT']],
  ['UND_ERR_BODY_TIMEOUT', ['timeout', 'ETIMEDOUT']],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', ['error', 'PROTOCOL']],
]);

/** Maps an onEnd code to its slot name in protocol ERROR_CODES ('other' when it has none). */
export function streamErrorCode(code: string): ErrorCodeName {
  const known = CODES.get(code)?.[1] ?? ERROR_CODES.find((c) => c === code);
  return known ?? (code.startsWith('HPE_') ? 'PROTOCOL' : 'other');
}
