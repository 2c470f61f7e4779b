// The contract between the client core and a profile (workers/profiles/): one shared, stateless
// profile object per profile; each client holds its own typed state object `S`, made once by
// newState(). The core owns the connection's life; a profile only says what to do at open, when
// due, with what arrives, and how a close is to be read. Hot-path invariants: no allocation per call.
import type { ProfileName } from '../../protocol.js';
import type { Rng } from '../../scenarios/random.js';
import type { Transport } from '../transports/transport.js';
import type { PushState } from './pushes.js';
import type { RequestBook } from './requests.js';
import type { ClientScene } from './scenario-hooks.js';

/** How one profile behaves; `S` is its per-client state. */
export interface Profile<S> {
  readonly name: ProfileName;
  /** Answers server pings itself (sleepers stay silent while asleep) instead of automatically. */
  readonly manualPong: boolean;
  /** This client's state, made once for its whole life (all connections). */
  newState(c: ClientCore): S;
  /** The connection opened; returns the next due time (Infinity = none). */
  onOpen(c: ClientCore, s: S, nowMs: number): number;
  /** Due work (sends, refills, sleep/wake, storms); returns the next due time. May close or drop. */
  onDue(c: ClientCore, s: S, nowMs: number): number;
  /** Raw bytes read (slow readers meter their budget here). */
  onBytes(c: ClientCore, s: S, bytes: number): void;
  /** One message/event: binary = an answer to a request; text = a push. */
  onData(c: ClientCore, s: S, data: Buffer, start: number, end: number, isBinary: boolean, nowMs: number): void;
  /** A server ping or heartbeat comment. */
  onPing(c: ClientCore, s: S, data: Buffer | null, nowMs: number): void;
  /**
   * An open connection ended; `ours` when the client started it. Returns false when the moment the
   * server ended it is unknown (found only after resuming a paused reader): no lifetime then.
   */
  onClose(c: ClientCore, s: S, nowMs: number, ours: boolean): boolean;
  /** Reading what arrives (not asleep, not paused on purpose): the silence before a cut is known. */
  isReading(c: ClientCore, s: S): boolean;
  /** Sleep and vanish win over churn: while true, --session-length does not end the session. */
  holdsSession(s: S): boolean;
  /** At the end of the run, read at full speed what waited (BYTES_DRAINED) even if not paused right now. */
  settlesAtEnd(s: S): boolean;
}

/** The client as a profile sees it. */
export interface ClientCore extends PushState {
  readonly id: number;
  readonly rng: Rng;
  readonly transport: Transport;
  readonly state: number;
  /** True from beginStop() until the end: a paused reader reading at full speed what waited. */
  readonly settling: boolean;
  /** This client's requests (RTT ring), made on first use: only senders pay for it. */
  requests(): RequestBook;
  /** An answer (echo) to one of our requests, if this client sends any. */
  answer(data: Buffer, start: number, end: number, nowMs: number): void;
  /** Sends the plan's subscribe message, if any, and starts owing pushes when its rate is known. */
  subscribe(nowMs: number): void;
  /** Our polite close (session end). */
  closeOurs(code: number, reason: string): void;
  /** Drops without a close frame and comes back at `reconnectAtMs` (Infinity = stays down). */
  drop(reconnectAtMs: number, nowMs: number): void;
  /** The policy's first reconnect delay (with the server's retry hint), -1 = never. */
  firstReconnectDelayMs(): number;
  /** After any close: no reconnect before this (a sleeping phone reconnects when it wakes; Infinity = never). */
  notBeforeMs: number;
  /** The client's scenario (open messages, handshake, replies, pushes), if the run has one. */
  readonly scene: ClientScene | null;
}
