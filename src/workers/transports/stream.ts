// SSE and NDJSON transport: one HttpStream (undici) per client, reused across reconnects, with
// one handlers object shared by every stream of the worker. Counts what only a stream can name:
// every response head's status, time to first byte and first event, events that arrived in the
// same read as the previous one, parse errors, and why a stream broke (reset → ECONNRESET/EPIPE,
// timeout → ETIMEDOUT, other codes by streamErrorCode). A clean server end and our own aborts are
// no error. Hot-path invariants: no allocation per event, no closures, no logging, counters by slot.
import { COUNTER, DRIVER_CAPS, HISTOGRAMS, errorIndex, statusIndex, type ProfileOptions } from '../../protocol.js';
import { errorSlot, statusSlot } from '../../metrics/close-codes.js';
import { escapeSample } from '../parsers/sample-text.js';
import { HttpStream, streamErrorCode, type HttpStreamHandlers, type ResponseHeaders, type StreamEndReason, type StreamFormat, type StreamParseError } from './http-stream.js';
import { END, type EndInfo, type Transport, type TransportCaps, type TransportSetup, type TransportSink } from './transport.js';

/** Parse-error samples kept per connection: the first few say what is wrong, the rest only count. */
const SAMPLES_PER_CONNECTION = 3;
const EVENT_STREAM = /^\s*text\/event-stream\s*(;|,|$)/i;
const UNEXPECTED_RESPONSE = errorSlot('UNEXPECTED_RESPONSE');
const H_TTFB = HISTOGRAMS.indexOf('ttfb');
const H_FIRST_EVENT = HISTOGRAMS.indexOf('firstEvent');
const CAPS_KNOWN: TransportCaps = { ...DRIVER_CAPS.sse, subscribedByRequest: true };
const CAPS_FOREIGN: TransportCaps = { ...DRIVER_CAPS.sse, subscribedByRequest: false };

/**
 * The stream URL a client subscribes to: the plan URL plus `rate` and `size` from the push options
 * when it has no query of its own (then the server's rate is known and BYTES_EXPECTED is recorded).
 */
export function subscriptionUrl(url: string, opts: ProfileOptions): { url: string; knownRate: boolean } {
  const bare = url.replace(/^(sse|ndjson)\+/, '');
  if (new URL(bare).search !== '') return { url: bare, knownRate: false };
  return { url: `${bare}?rate=${opts.pushRate}&size=${opts.pushBytes}`, knownRate: true };
}

type S = HttpStream<StreamTransport>;
/** Filled before every sink.onTransportEnd and read synchronously there: one per worker. */
const END_INFO: EndInfo = { opened: false, kind: END.NETWORK, code: 0, protocolError: false, what: '' };

/** One client's SSE or NDJSON stream. */
export class StreamTransport implements Transport {
  readonly caps: TransportCaps;
  readonly stream: S;
  readonly format: StreamFormat;
  #opened = false;
  #chunkNo = 0;
  #lastEventChunk = -1;
  #events = 0;
  #parseSamples = 0;
  #failedContentType = '';

  constructor(
    readonly setup: TransportSetup,
    readonly sink: TransportSink,
    format: StreamFormat,
    opts: ProfileOptions,
  ) {
    // A scenario's server is not the lab: its URL is used as written and its rate is unknown.
    const sub = setup.askPushRate ? subscriptionUrl(setup.url, opts) : { url: setup.url.replace(/^(sse|ndjson)\+/, ''), knownRate: false };
    this.caps = sub.knownRate ? CAPS_KNOWN : CAPS_FOREIGN;
    this.format = format;
    this.stream = new HttpStream<StreamTransport>(
      {
        url: sub.url,
        format,
        headers: setup.headers,
        connectTimeoutMs: setup.connectTimeoutMs,
        localAddress: setup.localAddress,
        rejectUnauthorized: !setup.tlsInsecure,
        ...(setup.caPem !== null ? { ca: setup.caPem } : {}),
        // The line and event buffers are the memory a hostile server could make us hold.
        maxLineBytes: setup.maxMessageBytes,
        maxEventBytes: setup.maxMessageBytes,
        scanner: null, // the client core scans seq/ts once for every transport
      },
      STREAM_HANDLERS,
      this,
    );
  }

  get active(): boolean {
    return this.stream.active;
  }
  get paused(): boolean {
    return this.stream.paused;
  }
  get bufferedAmount(): number {
    return 0;
  }
  get retryHintMs(): number {
    return this.format === 'sse' ? this.stream.retryHintMs : -1;
  }

  connect(_nowMs: number): void {
    this.#opened = false;
    this.#chunkNo = 0;
    this.#lastEventChunk = -1;
    this.#events = 0;
    this.#parseSamples = 0;
    this.stream.open();
  }

  sendBinary(): void {
    throw new Error('an HTTP stream cannot send (caps.canSend is false)');
  }
  sendText(): void {
    throw new Error('an HTTP stream cannot send (caps.canSend is false)');
  }
  ping(): void {
    throw new Error('an HTTP stream has no ping (caps.canPing is false)');
  }
  pong(): void {}
  setManualPong(): void {}
  pause(): void {
    this.stream.pause();
  }
  resume(): void {
    this.stream.resume();
  }
  /** Streams have no close handshake: ours is an abort mid-body, like a dropped phone. */
  close(): void {
    this.stream.close();
  }
  drop(): void {
    this.stream.close();
  }
  dispose(): void {
    this.stream.destroy().catch(noop);
  }

  /** True when a response head starts a stream HttpStream will read (mirrors its own checks). */
  usable(statusCode: number, headers: ResponseHeaders): boolean {
    if (statusCode < 200 || statusCode > 299 || statusCode === 204) return false;
    if (this.format !== 'sse') return true;
    if (EVENT_STREAM.test(String(headers['content-type']))) return true;
    this.#failedContentType = String(headers['content-type'] ?? '').slice(0, 60);
    return false;
  }

  onResponse(s: S, statusCode: number, headers: ResponseHeaders): void {
    const { meter, p } = this.setup;
    meter.bump(statusIndex(p, statusSlot(statusCode)));
    if (!this.usable(statusCode, headers)) return;
    const ttfbUs = (s.responseAtMs - s.startedAtMs) * 1000;
    meter.record(H_TTFB, p, ttfbUs);
    this.#opened = true;
    // For a stream the response head is the handshake: connect time = time to first byte.
    this.sink.onTransportOpen(s.responseAtMs, ttfbUs);
  }

  onChunk(s: S, bytes: number): void {
    this.#chunkNo++;
    this.sink.onTransportBytes(bytes, s.chunkAtMs);
  }

  onEvent(s: S, data: Buffer, start: number, end: number): void {
    const { meter, p } = this.setup;
    const atMs = s.chunkAtMs;
    if (this.#events++ === 0) meter.record(H_FIRST_EVENT, p, (atMs - s.startedAtMs) * 1000);
    // Delivered in the same read as the previous event: held and flushed together on the way.
    else if (this.#lastEventChunk === this.#chunkNo) meter.add(p, COUNTER.EVENTS_CLUMPED, 1);
    this.#lastEventChunk = this.#chunkNo;
    this.sink.onTransportData(data, start, end, false, atMs);
  }

  onParseError(code: StreamParseError, bytes: Buffer, start: number, end: number): void {
    const { meter, p } = this.setup;
    meter.add(p, COUNTER.PARSE_ERRORS, 1);
    // Over --max-message-size: the parser dropped it and kept its memory bounded.
    if (code === 'line-too-long' || code === 'event-too-large') meter.add(p, COUNTER.PROTOCOL_ERRORS, 1);
    if (this.#parseSamples++ < SAMPLES_PER_CONNECTION) meter.sample('parse-error', p, `${code}: ${escapeSample(bytes, start, end)}`);
  }

  onEnd(s: S, reason: StreamEndReason, code: string, statusCode: number): void {
    const end = END_INFO;
    end.opened = this.#opened;
    end.kind = END.NETWORK;
    end.code = 0;
    end.what = '';
    end.protocolError = false;
    const { meter, p } = this.setup;
    if (this.#opened) {
      if (reason !== 'aborted' && reason !== 'end') this.#countError(reason, code);
    } else if (reason === 'status') {
      meter.bump(errorIndex(p, UNEXPECTED_RESPONSE));
      // SSE 204 means "do not reconnect" (WHATWG §9.2).
      end.kind = statusCode === 204 && this.format === 'sse' ? END.NO_RETRY : END.HANDSHAKE_STATUS;
      end.code = statusCode;
    } else if (reason === 'content-type') {
      // An answer, just not a stream: like a wrong status, not a network failure (the target is reachable).
      meter.bump(errorIndex(p, UNEXPECTED_RESPONSE));
      meter.sample('error', p, `SSE response content-type "${this.#failedContentType}" (status ${statusCode})`);
      end.kind = END.CONTENT_TYPE;
      end.code = 0;
      end.what = `response content-type ${this.#failedContentType || '(none)'}`;
    } else if (reason !== 'aborted') {
      this.#countError(reason, code);
    }
    this.sink.onTransportEnd(end, s.endedAtMs);
  }

  /** Counts a failed or broken stream in its error slot, with one sample naming the code. */
  #countError(reason: StreamEndReason, code: string): void {
    const { meter, p } = this.setup;
    const name = code !== '' ? streamErrorCode(code) : reason === 'timeout' ? 'ETIMEDOUT' : 'other';
    meter.bump(errorIndex(p, errorSlot(name)));
    meter.sample('error', p, code !== '' ? `stream ${reason}: ${code}` : `stream ${reason}`);
  }
}

/** Handlers shared by every stream of a worker; per-client state is `s.user`. */
const STREAM_HANDLERS: HttpStreamHandlers<StreamTransport> = {
  onResponse: (s, statusCode, headers) => s.user.onResponse(s, statusCode, headers),
  onChunk: (s, bytes) => s.user.onChunk(s, bytes),
  onEvent: (s, data, start, end) => s.user.onEvent(s, data, start, end),
  onHeartbeat: (s) => s.user.sink.onTransportPing(null, s.chunkAtMs),
  onParseError: (s, code, bytes, start, end) => s.user.onParseError(code, bytes, start, end),
  onEnd: (s, reason, code, statusCode) => s.user.onEnd(s, reason, code, statusCode),
};

function noop(): void {}
