// One simulated client on any transport, reused across reconnects: connect, count, session
// length, close, reconnect by policy with the give-up rule, drain and end-of-run settling, and
// how a close the client did not start is read (lifetime, silence, cut after a ping or not).
// What it sends and how it reads is its profile's business (profiles/), how bytes move its
// transport's (transports/). Hot-path invariants: no per-message allocation, closures or logs;
// counters by slot; time from performance.now().
import { COUNTER } from '../../protocol.js';
import type { Rng } from '../../scenarios/random.js';
import { END, type EndInfo, type Transport, type TransportSink } from '../transports/transport.js';
import type { WorkerContext } from './context.js';
import type { ClientCore, Profile } from './profile.js';
import { accountPush, endPushes, resetPushes, settleOwed, type PushState } from './pushes.js';
import { H } from './recorder.js';
import { isDeterministic, reconnectDelayMs, repeatedFailureGivesUp } from './reconnect.js';
import { readServerClose } from './close-reading.js';
import { RequestBook } from './requests.js';
import type { ClientScene } from './scenario-hooks.js';
import type { Schedulable } from './schedule.js';
import type { SeqWindow } from './seq-window.js';

/** Client lifecycle states. */
export const STATE = { IDLE: 0, CONNECTING: 1, OPEN: 2, CLOSING: 3, DONE: 4 } as const;

/** A resumed reader that received nothing for this long has read everything that was waiting. */
const QUIET_MS = 200;

/** A simulated client; one object per client for the whole run. `S` is its profile's state. */
export class Client<S> implements ClientCore, TransportSink, Schedulable {
  dueAtMs = Infinity;
  heapSlot = -1;
  state: number = STATE.IDLE;
  readonly transport: Transport;
  readonly ps: S;
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
  notBeforeMs = 0;
  settling = false;
  settleStartMs = 0;
  /** performance.now() of the last byte read from the server (any frame), or of the open. */
  lastRecvMs = 0;
  // PushState
  seqWindow: SeqWindow | null = null;
  lastPushMs = 0;
  lastDataMs = 0;
  lastPingMs = 0;
  lastLagMs = Infinity;
  owedSinceMs = 0;
  /** Set once by the worker entry when the run has a scenario. */
  scene: ClientScene | null = null;
  #requests: RequestBook | null = null;

  constructor(
    readonly id: number,
    /** Profile index in PROFILES. */
    readonly p: number,
    readonly profile: Profile<S>,
    readonly ctx: WorkerContext,
    readonly rng: Rng,
    makeTransport: (sink: TransportSink) => Transport,
  ) {
    this.transport = makeTransport(this);
    this.transport.setManualPong(profile.manualPong);
    this.ps = profile.newState(this);
  }

  requests(): RequestBook {
    return (this.#requests ??= new RequestBook(this.id, this.p, this.ctx));
  }

  answer(data: Buffer, start: number, end: number, nowMs: number): void {
    this.#requests?.answer(data, start, end, nowMs);
  }

  hasOutstanding(): boolean {
    return this.transport.active && this.#requests !== null && this.#requests.outstanding;
  }

  /** Drain: fails requests past --timeout at their age; when the drain ends (`giveUp`), all still unanswered. */
  drain(nowMs: number, giveUp: boolean): void {
    if (giveUp) this.#requests?.failAll(nowMs);
    else this.#requests?.expire(nowMs);
  }

  isIdle(): boolean {
    return !this.transport.active;
  }

  /** End of run, before stop(): paused readers read at full speed, so what the server did (a close behind a backlog) is seen. */
  beginStop(): void {
    if (this.state !== STATE.OPEN || !(this.transport.paused || this.profile.settlesAtEnd(this.ps))) return;
    const nowMs = performance.now();
    this.settling = true;
    this.settleStartMs = nowMs;
    settleOwed(this, nowMs); // the backlog is what was owed before this drain
    this.transport.resume();
  }

  /** True once a resumed reader has gone quiet, caught up with fresh pushes, or closed. */
  isSettled(nowMs: number): boolean {
    if (!this.settling || !this.transport.active) return true;
    return nowMs - Math.max(this.settleStartMs, this.lastRecvMs) > QUIET_MS || (this.lastRecvMs > this.settleStartMs && this.lastLagMs < QUIET_MS);
  }

  /** End of run: close politely what is open, abort what is still connecting. */
  stop(): void {
    if (this.state === STATE.OPEN) this.closeOurs(1000, 'soak done');
    else if (this.state === STATE.CONNECTING) this.#dropNow();
  }

  /** End of run, after the grace period: drop whatever is left without ceremony. */
  kill(): void {
    this.weClosed = true;
    this.transport.dispose();
  }

  /** Scheduler callback: connect when idle, end the session when due, otherwise the profile's work. */
  onDue(nowMs: number): void {
    if (this.ctx.stopping) return;
    if (this.state === STATE.IDLE) {
      this.connect(nowMs);
      return;
    }
    if (this.state !== STATE.OPEN) return;
    if (this.scene?.handshaking) return this.scene.handshakeDue(nowMs); // only its deadline is due
    if (nowMs >= this.sessionEndMs && !this.profile.holdsSession(this.ps)) {
      this.ctx.recorder.add(this.p, COUNTER.SESSIONS_ENDED, 1);
      this.reconnectAtMs = nowMs;
      this.closeOurs(1000, 'session end');
      return;
    }
    this.#schedule(this.profile.onDue(this, this.ps, nowMs));
  }

  /** Starts a connection attempt now. */
  connect(nowMs: number): void {
    const r = this.ctx.recorder;
    this.state = STATE.CONNECTING;
    this.weClosed = false;
    this.reconnectAtMs = Infinity;
    this.notBeforeMs = 0;
    this.settling = false;
    this.attemptStartMs = nowMs;
    resetPushes(this);
    r.add(this.p, COUNTER.CONN_ATTEMPTED, 1);
    r.attempt(this.ctx.toEpochMs(nowMs));
    this.transport.connect(nowMs);
  }

  subscribe(nowMs: number): void {
    const msg = this.ctx.plan.subscribeMessage;
    if (msg === null || !this.transport.caps.canSend) return;
    this.transport.sendText(msg);
    this.ctx.recorder.add(this.p, COUNTER.MSGS_SENT, 1);
    this.ctx.recorder.add(this.p, COUNTER.BYTES_SENT, msg.length);
    if (this.ctx.subscribeRateKnown) this.owedSinceMs = nowMs;
  }

  closeOurs(code: number, reason: string): void {
    if (!this.transport.active || this.state === STATE.CLOSING || this.state === STATE.DONE) return;
    this.weClosed = true;
    this.state = STATE.CLOSING;
    this.ctx.scheduler.cancel(this);
    this.transport.close(code, reason);
  }

  drop(reconnectAtMs: number, nowMs: number): void {
    this.droppedAtMs = reconnectAtMs === Infinity ? Number.NaN : nowMs;
    this.reconnectAtMs = reconnectAtMs;
    this.attempt = 1;
    this.#dropNow();
  }

  firstReconnectDelayMs(): number {
    return this.#delayMs(END.NETWORK, 0, 0);
  }

  #dropNow(): void {
    if (!this.transport.active || this.state === STATE.DONE) return;
    this.weClosed = true;
    this.state = STATE.CLOSING;
    this.ctx.scheduler.cancel(this);
    this.transport.drop();
  }

  #schedule(next: number): void {
    // The profile may have closed or dropped the connection; the end handler reschedules then.
    if (this.state !== STATE.OPEN) return;
    const sessionDue = this.profile.holdsSession(this.ps) ? Infinity : this.sessionEndMs;
    this.ctx.scheduler.at(this, Math.min(next, sessionDue));
  }

  #delayMs(kind: number, code: number, attempt: number): number {
    const opts = this.ctx.plan.profile;
    const hint = this.transport.retryHintMs;
    return reconnectDelayMs(kind, code, attempt, opts, hint >= 0 ? hint : opts.reconnectBaseMs, this.rng);
  }

  // ---- TransportSink ----

  onTransportOpen(nowMs: number, connectUs: number): void {
    const r = this.ctx.recorder;
    this.state = STATE.OPEN;
    this.openedAtMs = nowMs;
    this.lastRecvMs = nowMs;
    r.add(this.p, COUNTER.CONN_OPENED, 1);
    r.add(this.p, COUNTER.OPEN_NOW, 1);
    r.record(H.connect, this.p, connectUs);
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
      this.closeOurs(1000, 'soak done');
      return;
    }
    if (this.transport.caps.subscribedByRequest) this.owedSinceMs = nowMs;
    // A scenario sends its open messages; with a handshake step the profile starts on the answer.
    if (this.scene?.opened(nowMs)) return this.ctx.scheduler.at(this, this.scene.deadlineMs);
    this.#schedule(this.profile.onOpen(this, this.ps, nowMs));
  }

  /** The scenario's handshake step passed: the profile starts now. */
  startProfile(nowMs: number): void {
    this.ctx.scheduler.cancel(this);
    this.#schedule(this.profile.onOpen(this, this.ps, nowMs));
  }

  onTransportBytes(bytes: number, nowMs: number): void {
    const r = this.ctx.recorder;
    this.lastRecvMs = nowMs;
    r.add(this.p, COUNTER.BYTES_RECEIVED, bytes);
    if (this.settling) r.add(this.p, COUNTER.BYTES_DRAINED, bytes);
    else this.profile.onBytes(this, this.ps, bytes);
  }

  onTransportData(data: Buffer, start: number, end: number, isBinary: boolean, nowMs: number): void {
    this.ctx.recorder.add(this.p, COUNTER.MSGS_RECEIVED, 1);
    if (this.scene?.handshaking) return isBinary ? undefined : this.scene.handshakeText(data, start, end, nowMs);
    if (this.settling && !isBinary) accountPush(this, data, start, end, nowMs);
    else this.profile.onData(this, this.ps, data, start, end, isBinary, nowMs);
  }

  onTransportPing(data: Buffer | null, nowMs: number): void {
    this.lastRecvMs = nowMs;
    this.profile.onPing(this, this.ps, data, nowMs);
  }

  onTransportPong(data: Buffer, nowMs: number): void {
    this.lastRecvMs = nowMs;
    this.#requests?.answer(data, 0, data.length, nowMs);
  }

  onTransportEnd(end: EndInfo, nowMs: number): void {
    this.ctx.scheduler.cancel(this);
    if (end.opened) this.#closed(end, nowMs);
    else if (!this.weClosed) this.ctx.recorder.add(this.p, COUNTER.CONN_FAILED, 1);
    this.state = STATE.IDLE;
    if (this.ctx.stopping) {
      this.state = STATE.DONE;
      return;
    }
    if (this.weClosed) {
      // Our own close: session churn and storms said when to come back; anything else stays down.
      if (this.reconnectAtMs < Infinity) this.ctx.scheduler.at(this, this.reconnectAtMs);
      else this.state = STATE.DONE;
      return;
    }
    if (this.notBeforeMs === Infinity) return this.#giveUp(); // a vanished phone never comes back
    if (end.opened) this.droppedAtMs = nowMs;
    else if (Number.isNaN(this.droppedAtMs)) this.droppedAtMs = this.attemptStartMs;
    if (isDeterministic(end.kind, end.code) && repeatedFailureGivesUp(this, end, nowMs)) return this.#giveUp();
    const delay = this.#delayMs(end.kind, end.code, this.attempt);
    if (delay < 0) return this.#giveUp();
    this.attempt++;
    this.ctx.scheduler.at(this, Math.max(nowMs + delay, this.notBeforeMs));
  }

  /** An open connection ended: count it, settle requests and pushes, read the close. */
  #closed(end: EndInfo, nowMs: number): void {
    const r = this.ctx.recorder;
    r.add(this.p, COUNTER.CONN_CLOSED, 1);
    r.add(this.p, COUNTER.OPEN_NOW, -1);
    this.#requests?.failAll(nowMs);
    endPushes(this, nowMs);
    const theirs = !this.weClosed && !end.protocolError;
    const reading = !this.settling && this.profile.isReading(this, this.ps);
    const momentKnown = this.profile.onClose(this, this.ps, nowMs, !theirs);
    if (theirs) readServerClose(this, nowMs, reading, momentKnown && !this.settling);
  }

  #giveUp(): void {
    this.state = STATE.DONE;
    this.droppedAtMs = Number.NaN;
  }
}
