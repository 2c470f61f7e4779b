// The one interface between the client core and a wire protocol. A transport moves bytes and
// counts what only it can name (close-code slots, handshake statuses, socket error slots, SSE
// time to first byte); everything about a client's life (reconnects, sessions, profiles, RTT,
// pushes) lives above it in client/ and knows the protocol only through `caps`.
// Hot-path invariants: one transport object per client for the whole run, reused across
// reconnects; no per-message allocation, closures or logging.
import type { LocalPorts } from './local-ports.js';

/** What a transport can do; profiles ask these, never the protocol's name. */
export interface TransportCaps {
  /** Messages can be sent to the server (WebSocket); HTTP streams only read. */
  readonly canSend: boolean;
  /** Protocol-level ping/pong exists (WebSocket): RTT by ping, and sleepers stop answering pings. */
  readonly canPing: boolean;
  /** The push subscription is part of the request itself (stream URL), so every client is subscribed at open. */
  readonly subscribedByRequest: boolean;
}

/** How an attempt ended, as the reconnect rules see it (values of client/reconnect.ts END). */
export type EndKind = number;

/** Filled by the transport before every sink.onEnd; one object per transport, reused. */
export interface EndInfo {
  /** The connection had opened (false: a failed or aborted attempt). */
  opened: boolean;
  /** END.CLOSE (code = close code), END.HANDSHAKE_STATUS (code = status), END.NETWORK, END_CONTENT_TYPE, END_NO_RETRY. */
  kind: EndKind;
  code: number;
  /** The server broke the protocol; the close the client sent carries `code` (1002/1007/1009). */
  protocolError: boolean;
  /** Text naming a deterministic failure for the reconnect-loop event ("handshake status 401"). */
  what: string;
}

/** The client core as a transport sees it: one sink per transport, called synchronously. */
export interface TransportSink {
  /** The connection is usable (101, or a usable stream response head); `connectUs` is attempt start to now. */
  onTransportOpen(nowMs: number, connectUs: number): void;
  /** Raw bytes read from the server (a whole message on WebSocket, a body chunk on streams). */
  onTransportBytes(bytes: number, nowMs: number): void;
  /** One message, SSE event or NDJSON line: `data[start, end)`, valid only during the call. Binary = an answer to our request. */
  onTransportData(data: Buffer, start: number, end: number, isBinary: boolean, nowMs: number): void;
  /** A ping frame or heartbeat comment from the server. */
  onTransportPing(data: Buffer | null, nowMs: number): void;
  /** A pong to our ping (RTT by ping). */
  onTransportPong(data: Buffer, nowMs: number): void;
  /** The attempt or connection ended; `end` says how (valid only during the call). */
  onTransportEnd(end: EndInfo, nowMs: number): void;
}

/** One client's connection, reused across reconnects. */
export interface Transport {
  readonly caps: TransportCaps;
  /** True from connect() until onTransportEnd. */
  readonly active: boolean;
  /** True while reading is paused. */
  readonly paused: boolean;
  /** Bytes queued for sending and not yet written (0 where nothing is sent). */
  readonly bufferedAmount: number;
  /** Starts an attempt; onTransportOpen or onTransportEnd follows. */
  connect(nowMs: number): void;
  /** Sends `data` as one binary message (the bytes may be reused once this returns). */
  sendBinary(data: Buffer): void;
  /** Sends one text message. */
  sendText(text: string): void;
  /** Sends a ping carrying `data` (canPing only). */
  ping(data: Buffer): void;
  /** Answers a server ping by hand (canPing only; automatic unless manualPong). */
  pong(data: Buffer): void;
  /** Whether pings are answered automatically; sleepers answer by hand while awake. */
  setManualPong(manual: boolean): void;
  pause(): void;
  resume(): void;
  /** Our polite close (WebSocket close frame; streams abort). */
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame (storms, end of run). */
  drop(): void;
  /** End of run: free everything the transport holds. */
  dispose(): void;
  /** Reconnect base delay the server asked for (SSE retry:), or -1. */
  readonly retryHintMs: number;
}

/** Why an attempt ended, as the reconnect rules (client/reconnect.ts) see it. */
export const END = {
  /** A WebSocket close; code = the close code. */
  CLOSE: 0,
  /** A non-success handshake or response status; code = the status. */
  HANDSHAKE_STATUS: 1,
  /** The network broke or the server ended a stream; code 0. */
  NETWORK: 2,
  /** An SSE response without text/event-stream: fails the same way every time. */
  CONTENT_TYPE: 3,
  /** The server said "do not reconnect" (SSE 204). */
  NO_RETRY: 4,
} as const;

/** What a transport records into: the worker's Recorder satisfies it (transports never import client/). */
export interface TransportMeter {
  add(p: number, slot: number, n: number): void;
  bump(index: number): void;
  record(h: number, p: number, valueUs: number): void;
  sample(kind: 'close-reason' | 'error' | 'parse-error', p: number, text: string): void;
}

/** Fixed for a client's life: where and how to connect, and where to count. */
export interface TransportSetup {
  readonly p: number;
  readonly meter: TransportMeter;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly connectTimeoutMs: number;
  readonly localAddress: string | undefined;
  /** Source ports for localAddress (one cursor per address and worker); null without one. */
  readonly localPorts: LocalPorts | null;
  readonly maxMessageBytes: number;
  readonly tlsInsecure: boolean;
  readonly caPem: string | null;
  /** WebSocket subprotocols offered (empty = none). */
  readonly protocols: readonly string[];
  /** Origin header of the WebSocket handshake (undefined = none). */
  readonly origin: string | undefined;
  /** Offer permessage-deflate. */
  readonly perMessageDeflate: boolean;
  /** TLS SNI name when it differs from the URL's host. */
  readonly servername: string | undefined;
  /** Streams: add ?rate=&size= to a bare URL (the lab's knobs), so the server's rate is known. */
  readonly askPushRate: boolean;
}

/** How a scenario shapes every connection of a worker (see scenarios/define.ts); defaults = plain. */
export interface ConnectShape {
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
  readonly perMessageDeflate: boolean;
  readonly servername: string | undefined;
  readonly askPushRate: boolean;
}
export const PLAIN_CONNECT: ConnectShape = { protocols: [], origin: undefined, perMessageDeflate: false, servername: undefined, askPushRate: true };
