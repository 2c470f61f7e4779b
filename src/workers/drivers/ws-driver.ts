// One simulated WebSocket client on `ws`: connect, count, close, reconnect. What it sends and
// how it reads is its profile's business (workers/profiles/). Hot-path invariants: handlers
// attach once per connection; no per-message closures, promises, events, logs or JSON.parse;
// counters by slot; time from performance.now().
import WebSocket from 'ws';
import { CLOSED_BY, COUNTER, closeIndex, errorIndex, statusIndex } from '../../protocol.js';
import { closeSlot, statusSlot } from '../../metrics/close-codes.js';
import type { SimClient } from '../sim-client.js';
import type { WorkerContext } from '../context.js';
import { H } from '../recorder.js';
import { END, scheduleReconnect } from '../reconnect.js';
import type { Rng } from '../../scenarios/random.js';
import type { SeqWindow } from '../seq-window.js';
import type { SeqTsResult } from '../parsers/seq-ts.js';
import { settlePushes } from '../profiles/push.js';
import type { ProfileBehaviour } from '../profiles/behaviour.js';
import { attachListeners } from './ws-listeners.js';
import { UNEXPECTED_RESPONSE_SLOT, classifyWsError, handshakeStatus } from './ws-errors.js';

export type { ProfileBehaviour };

/** Client lifecycle states. */
export const STATE = { IDLE: 0, CONNECTING: 1, OPEN: 2, CLOSING: 3, DONE: 4 } as const;

const BY_CLIENT = CLOSED_BY.indexOf('client');
const BY_SERVER = CLOSED_BY.indexOf('server');
const BY_ABNORMAL = CLOSED_BY.indexOf('abnormal');
/** A resumed reader that received nothing for this long has read everything that was waiting. */
const QUIET_MS = 200;

/** A simulated client; one object per client for the whole run, reused across reconnects. */
export class WsClient implements SimClient {
  dueAtMs = Infinity;
  heapSlot = -1;
  state: number = STATE.IDLE;
  ws: WebSocket | null = null;
  /** Set when we started the close (session end, stop, storm): the close is ours, not the server's. */
  weClosed = false;
  attemptStartMs = 0;
  openedAtMs = 0;
  /** When an open connection was lost; NaN unless a reconnect is pending. */
  droppedAtMs = Number.NaN;
  /** Consecutive identical deterministic failures, and which one (kind * 100000 + code). */
  failStreak = 0;
  failKey = -1;
  attempt = 0;
  sessionEndMs = Infinity;
  /** After a close we started on purpose: when to connect again (Infinity = not by us). */
  reconnectAtMs = Infinity;
  /** After any close: no reconnect before this (a sleeping phone reconnects when it wakes). */
  notBeforeMs = 0;
  /** Set by the handshake error so the close handler can classify the failure. */
  lastStatus = 0;
  lastErrorSlot = -1;

  // Profile state (kept here so profiles stay allocation-free singletons).
  seq = 0;
  oldestSeq = 0;
  nextSendMs = Infinity;
  /** Intended send time of seq % ring.length, 0 once answered. */
  ring: Float64Array;
  /** Free-form numeric slots for profiles (sleep phase, read budget, …); names in each profile. */
  readonly slots = new Float64Array(8);
  /** Push accounting (profiles/push.ts); created once per client, reset per connection. */
  seqWindow: SeqWindow | null = null;
  seqTs: SeqTsResult | null = null;
  lastPushMs = 0;
  lastPingMs = 0;
  subscribedAtMs = 0;
  lastRecvMs = 0;
  /** Set at end of run when a paused reader was resumed to drain its backlog. */
  settling = false;


  constructor(
    readonly id: number,
    /** Profile index in PROFILES. */
    readonly p: number,
    readonly profile: ProfileBehaviour,
    readonly ctx: WorkerContext,
    readonly rng: Rng,
    ringSize: number,
  ) {
    this.ring = new Float64Array(ringSize);
  }

  hasOutstanding(): boolean {
    return this.ws !== null && this.oldestSeq < this.seq;
  }

  isIdle(): boolean {
    return this.ws === null;
  }

  beginStop(): void {
    if (this.ws !== null && this.state === STATE.OPEN && this.ws.isPaused) {
      this.settling = true;
      this.lastRecvMs = performance.now();
      settlePushes(this, this.lastRecvMs); // the backlog is what was owed before this drain
      this.ws.resume();
    }
  }

  isSettled(nowMs: number): boolean {
    return !this.settling || this.ws === null || nowMs - this.lastRecvMs > QUIET_MS;
  }

  stop(): void {
    if (this.state === STATE.OPEN) this.close(1000, 'soak done');
    else if (this.state === STATE.CONNECTING) this.terminate();
  }

  kill(): void {
    this.ws?.terminate();
  }

  /** Scheduler callback: connect when idle, otherwise let the profile work. */
  onDue(nowMs: number): void {
    if (this.ctx.stopping) return;
    if (this.state === STATE.IDLE) {
      this.connect(nowMs);
      return;
    }
    if (this.state !== STATE.OPEN) return;
    if (nowMs >= this.sessionEndMs) {
      this.ctx.recorder.add(this.p, COUNTER.SESSIONS_ENDED, 1);
      this.reconnectAtMs = nowMs;
      this.close(1000, 'session end');
      return;
    }
    const next = this.profile.onDue(this, nowMs);
    // The profile may have closed or dropped the connection; the close handler reschedules then.
    if (this.state === STATE.OPEN) this.ctx.scheduler.at(this, Math.min(next, this.sessionEndMs));
  }

  /** Starts a connection attempt now. */
  connect(nowMs: number): void {
    const { plan, recorder } = this.ctx;
    this.state = STATE.CONNECTING;
    this.weClosed = false;
    this.reconnectAtMs = Infinity;
    this.notBeforeMs = 0;
    this.lastPingMs = 0;
    this.settling = false;
    this.lastStatus = 0;
    this.lastErrorSlot = -1;
    this.attemptStartMs = nowMs;
    recorder.add(this.p, COUNTER.CONN_ATTEMPTED, 1);
    recorder.attempt(this.ctx.toEpochMs(nowMs));
    const local = plan.localAddresses.length > 0 ? plan.localAddresses[this.id % plan.localAddresses.length] : undefined;
    const ws = new WebSocket(plan.url, {
      perMessageDeflate: false,
      handshakeTimeout: plan.connectTimeoutMs,
      autoPong: this.profile.autoPong,
      followRedirects: false,
      headers: plan.headers,
      localAddress: local,
      rejectUnauthorized: !plan.tlsInsecure,
      ...(plan.caPem !== null ? { ca: plan.caPem } : {}),
    });
    ws.binaryType = 'nodebuffer';
    attachListeners(ws, this);
    this.ws = ws;
  }

  /** Closes politely (our close): the server's answer arrives as a normal close event. */
  close(code: number, reason: string): void {
    if (this.ws === null || this.state === STATE.CLOSING || this.state === STATE.DONE) return;
    this.weClosed = true;
    this.state = STATE.CLOSING;
    this.ctx.scheduler.cancel(this);
    this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (storms, vanishing mobiles). */
  terminate(): void {
    if (this.ws === null || this.state === STATE.DONE) return;
    this.weClosed = true;
    this.state = STATE.CLOSING;
    this.ctx.scheduler.cancel(this);
    this.ws.terminate();
  }

  /** Sends a binary frame from the worker's scratch buffer (ws copies masked frames). */
  sendScratch(length: number): void {
    const r = this.ctx.recorder;
    this.ws!.send(this.ctx.scratch.subarray(0, length), { binary: true });
    r.add(this.p, COUNTER.MSGS_SENT, 1);
    r.add(this.p, COUNTER.BYTES_SENT, length);
  }

  /** Internal: the handshake completed. */
  handleOpen(): void {
    const nowMs = performance.now();
    const r = this.ctx.recorder;
    this.state = STATE.OPEN;
    this.openedAtMs = nowMs;
    r.add(this.p, COUNTER.CONN_OPENED, 1);
    r.add(this.p, COUNTER.OPEN_NOW, 1);
    r.bump(statusIndex(this.p, statusSlot(101)));
    r.record(H.connect, this.p, (nowMs - this.attemptStartMs) * 1000);
    if (!Number.isNaN(this.droppedAtMs)) {
      r.record(H.reconnect, this.p, (nowMs - this.droppedAtMs) * 1000);
      r.add(this.p, COUNTER.RECONNECTS, 1);
      this.droppedAtMs = Number.NaN;
    }
    this.attempt = 0;
    this.failStreak = 0;
    this.failKey = -1;
    const plan = this.ctx.plan;
    this.sessionEndMs = plan.sessionMaxMs > 0 ? nowMs + this.rng.between(plan.sessionMinMs, plan.sessionMaxMs) : Infinity;
    if (this.ctx.stopping) {
      this.close(1000, 'soak done');
      return;
    }
    const next = this.profile.onOpen(this, nowMs);
    this.ctx.scheduler.at(this, Math.min(next, this.sessionEndMs));
  }

  /** Internal: ws reported an error (the close event follows and does the counting). */
  handleError(err: Error & { code?: string }): void {
    // Aborting our own attempt (stop, storm) raises "closed before the connection was established": not a failure.
    if (this.weClosed) return;
    const msg = err.message;
    this.lastErrorSlot = classifyWsError(err);
    if (this.lastErrorSlot === UNEXPECTED_RESPONSE_SLOT) this.lastStatus = handshakeStatus(msg);
    this.ctx.recorder.bump(errorIndex(this.p, this.lastErrorSlot));
    this.ctx.recorder.sample('error', this.p, err.code ? `${err.code}: ${msg}` : msg);
  }

  /** Internal: the connection or the attempt ended. */
  handleClose(code: number, reason: Buffer): void {
    const nowMs = performance.now();
    const r = this.ctx.recorder;
    const wasOpen = this.state === STATE.OPEN || (this.state === STATE.CLOSING && this.openedAtMs >= this.attemptStartMs);
    const ws = this.ws!;
    ws.removeAllListeners();
    ws.on('error', noop);
    this.ws = null;
    this.ctx.scheduler.cancel(this);
    this.profile.onClose(this, nowMs);
    let kind: number;
    let failCode: number;
    if (wasOpen) {
      const by = this.weClosed ? BY_CLIENT : code === 1006 ? BY_ABNORMAL : BY_SERVER;
      r.add(this.p, COUNTER.CONN_CLOSED, 1);
      r.add(this.p, COUNTER.OPEN_NOW, -1);
      r.bump(closeIndex(this.p, closeSlot(code), by));
      // A paused reader learns of a server close only when it drains at the end: the true age is unknown.
      if (!this.weClosed && !this.settling) r.record(H.lifetime, this.p, (nowMs - this.openedAtMs) * 1000);
      if (reason.length > 0) r.sample('close-reason', this.p, `${code} ${reason.toString('utf8')}`);
      kind = END.CLOSE;
      failCode = code;
    } else if (!this.weClosed) {
      r.add(this.p, COUNTER.CONN_FAILED, 1);
      if (this.lastStatus !== 0) r.bump(statusIndex(this.p, statusSlot(this.lastStatus)));
      kind = this.lastStatus !== 0 ? END.HANDSHAKE_STATUS : END.NETWORK;
      failCode = this.lastStatus;
    } else {
      kind = END.NETWORK;
      failCode = 0;
    }
    this.state = STATE.IDLE;
    if (this.ctx.stopping) {
      this.state = STATE.DONE;
      return;
    }
    if (this.weClosed) {
      // Our own close: session churn and storms said when to come back; anything else stays down.
      if (this.reconnectAtMs < Infinity) this.ctx.scheduler.at(this, this.reconnectAtMs);
      return;
    }
    if (wasOpen) this.droppedAtMs = nowMs;
    else if (Number.isNaN(this.droppedAtMs)) this.droppedAtMs = this.attemptStartMs;
    scheduleReconnect(this, kind, failCode, nowMs);
  }
}

function noop(): void {}
