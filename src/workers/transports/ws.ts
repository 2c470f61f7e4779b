// WebSocket transport on `ws`: one WebSocket per attempt, six listeners shared by every
// connection of the worker (they find their transport through one symbol property, so a
// connection costs no closures). Counts what only it can name: handshake statuses, error slots,
// close codes with who closed, protocol errors. Hot-path invariants: no allocation per message,
// no logging, counters by slot, time from performance.now().
import WebSocket from 'ws';
import { CLOSED_BY, COUNTER, DRIVER_CAPS, closeIndex, errorIndex, statusIndex } from '../../protocol.js';
import { closeSlot, statusSlot } from '../../metrics/close-codes.js';
import { END, type EndInfo, type Transport, type TransportCaps, type TransportSetup, type TransportSink } from './transport.js';
import { UNEXPECTED_RESPONSE_SLOT, classifyWsError, handshakeStatus, protocolCloseCode } from './ws-errors.js';

const CAPS: TransportCaps = { ...DRIVER_CAPS.ws, subscribedByRequest: false };
const BY_CLIENT = CLOSED_BY.indexOf('client');
const BY_SERVER = CLOSED_BY.indexOf('server');
const BY_ABNORMAL = CLOSED_BY.indexOf('abnormal');
const OWNER = Symbol('soakstorm.transport');
type OwnedWebSocket = WebSocket & { [OWNER]: WsTransport };
/** Port clashes retried per attempt before the error counts as the attempt's failure. */
const MAX_PORT_RETRIES = 3;
const own = (ws: WebSocket): WsTransport => (ws as OwnedWebSocket)[OWNER];

/** WebSocket options per setup and pong mode, shared by every client with the same setup. */
const OPTIONS = new WeakMap<TransportSetup, [auto: WebSocket.ClientOptions, manual: WebSocket.ClientOptions]>();
/** Filled before every sink.onTransportEnd and read synchronously there: one per worker. */
const END_INFO: EndInfo = { opened: false, kind: END.NETWORK, code: 0, protocolError: false, what: '' };

function optionsFor(s: TransportSetup, manualPong: boolean): WebSocket.ClientOptions {
  let pair = OPTIONS.get(s);
  if (pair === undefined) {
    pair = [wsOptions(s, true), wsOptions(s, false)];
    OPTIONS.set(s, pair);
  }
  return pair[manualPong ? 1 : 0];
}

function wsOptions(s: TransportSetup, autoPong: boolean): WebSocket.ClientOptions {
  const o: WebSocket.ClientOptions = {
    perMessageDeflate: s.perMessageDeflate,
    handshakeTimeout: s.connectTimeoutMs,
    followRedirects: false,
    headers: s.headers,
    localAddress: s.localAddress,
    // A hostile server's oversized message ends in a 1009 close instead of the generator's memory.
    maxPayload: s.maxMessageBytes,
    autoPong,
  };
  if (s.origin !== undefined) o.origin = s.origin;
  if (s.servername !== undefined) (o as WebSocket.ClientOptions & { servername?: string }).servername = s.servername; // passed on to tls.connect
  if (s.tlsInsecure) o.rejectUnauthorized = false;
  if (s.caPem !== null) o.ca = s.caPem;
  return o;
}

/** One client's WebSocket, reused across reconnects. */
export class WsTransport implements Transport {
  readonly caps = CAPS;
  readonly retryHintMs = -1;
  #ws: WebSocket | null = null;
  #opened = false;
  #ours = false;
  #lastStatus = 0;
  #protocolCode = 0;
  #options: WebSocket.ClientOptions;
  #attemptStartMs = 0;
  /** Port clashes retried in this attempt, and whether the socket closing now is one of them. */
  #portRetries = 0;
  #portClash = false;

  constructor(
    readonly setup: TransportSetup,
    readonly sink: TransportSink,
  ) {
    this.#options = optionsFor(setup, false);
  }

  get active(): boolean {
    return this.#ws !== null;
  }
  get paused(): boolean {
    return this.#ws?.isPaused ?? false;
  }
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  connect(nowMs: number): void {
    this.#opened = false;
    this.#ours = false;
    this.#lastStatus = 0;
    this.#protocolCode = 0;
    this.#attemptStartMs = nowMs;
    this.#portRetries = 0;
    this.#open();
  }

  #open(): void {
    const ports = this.setup.localPorts;
    // A named source port costs one object per attempt (never per message); see local-ports.ts.
    const options = ports === null ? this.#options : { ...this.#options, localPort: ports.next() };
    const ws = new WebSocket(this.setup.url, this.setup.protocols as string[], options);
    ws.binaryType = 'nodebuffer';
    (ws as OwnedWebSocket)[OWNER] = this;
    ws.on('open', onOpen);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('ping', onPing);
    ws.on('error', onError);
    ws.on('close', onClose);
    this.#ws = ws;
  }

  sendBinary(data: Buffer): void {
    this.#ws!.send(data, { binary: true });
  }
  sendText(text: string): void {
    this.#ws!.send(text);
  }
  ping(data: Buffer): void {
    this.#ws!.ping(data);
  }
  pong(data: Buffer): void {
    this.#ws!.pong(data);
  }
  setManualPong(manual: boolean): void {
    this.#options = optionsFor(this.setup, manual);
  }
  pause(): void {
    this.#ws?.pause();
  }
  resume(): void {
    this.#ws?.resume();
  }
  close(code: number, reason: string): void {
    if (this.#ws === null) return;
    this.#ours = true;
    if (this.#opened) this.#ws.close(code, reason);
    else this.#ws.terminate();
  }
  drop(): void {
    if (this.#ws === null) return;
    this.#ours = true;
    this.#ws.terminate();
  }
  dispose(): void {
    this.drop();
  }

  /** ws listeners, below. */
  handleOpen(): void {
    const nowMs = performance.now();
    this.#opened = true;
    this.setup.meter.bump(statusIndex(this.setup.p, statusSlot(101)));
    this.sink.onTransportOpen(nowMs, (nowMs - this.#attemptStartMs) * 1000);
  }

  handleError(err: Error & { code?: string }): void {
    // Aborting our own attempt raises "closed before the connection was established": not a failure.
    if (this.#ours && this.#protocolCode === 0) return;
    if (!this.#opened && this.setup.localPorts !== null && (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') && this.#portRetries < MAX_PORT_RETRIES) {
      // The port we named is held by a live connection (another process on the same address,
      // or a wrap-around): not the target's fault, so try the next port, uncounted.
      this.#portClash = true;
      return;
    }
    const { meter, p } = this.setup;
    const slot = classifyWsError(err);
    if (slot === UNEXPECTED_RESPONSE_SLOT) this.#lastStatus = handshakeStatus(err.message);
    if (this.#opened) {
      const code = protocolCloseCode(err);
      if (code !== 0) {
        // ws answers a broken frame with this close code itself; the close event will say 1006.
        this.#protocolCode = code;
        meter.add(p, COUNTER.PROTOCOL_ERRORS, 1);
      }
    }
    meter.bump(errorIndex(p, slot));
    meter.sample('error', p, err.code ? `${err.code}: ${err.message}` : err.message);
  }

  handleClose(code: number, reason: Buffer): void {
    const nowMs = performance.now();
    const ws = this.#ws!;
    ws.removeAllListeners();
    ws.on('error', noop);
    this.#ws = null;
    if (this.#portClash) {
      this.#portClash = false;
      this.#portRetries++;
      if (!this.#ours) {
        this.#open();
        return;
      }
    }
    const { meter, p } = this.setup;
    const end = END_INFO;
    end.opened = this.#opened;
    end.protocolError = this.#protocolCode !== 0;
    end.what = '';
    if (this.#opened) {
      const closeCode = end.protocolError ? this.#protocolCode : code;
      const by = end.protocolError || this.#ours ? BY_CLIENT : code === 1006 ? BY_ABNORMAL : BY_SERVER;
      meter.bump(closeIndex(p, closeSlot(closeCode), by));
      if (reason.length > 0) meter.sample('close-reason', p, `${code} ${reason.toString('utf8')}`);
      end.kind = END.CLOSE;
      end.code = closeCode;
    } else if (!this.#ours && this.#lastStatus !== 0) {
      meter.bump(statusIndex(p, statusSlot(this.#lastStatus)));
      end.kind = END.HANDSHAKE_STATUS;
      end.code = this.#lastStatus;
    } else {
      end.kind = END.NETWORK;
      end.code = 0;
    }
    this.sink.onTransportEnd(end, nowMs);
  }
}

function onOpen(this: WebSocket): void {
  own(this).handleOpen();
}
function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const t = own(this);
  const nowMs = performance.now();
  t.sink.onTransportBytes(data.length, nowMs);
  t.sink.onTransportData(data, 0, data.length, isBinary, nowMs);
}
function onPong(this: WebSocket, data: Buffer): void {
  own(this).sink.onTransportPong(data, performance.now());
}
function onPing(this: WebSocket, data: Buffer): void {
  own(this).sink.onTransportPing(data, performance.now());
}
function onError(this: WebSocket, err: Error & { code?: string }): void {
  own(this).handleError(err);
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  own(this).handleClose(code, reason);
}
function noop(): void {}
