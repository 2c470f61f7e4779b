// One simulated SSE or NDJSON client: an HttpStream per client, connected, dropped and reconnected
// by the worker's Scheduler; what each stream measures is counted in stream-record.ts, what each
// profile does over time in stream-profiles.ts. Hot-path invariants: allocate per connection, never
// per event; no per-event closures, promises, emits or logs; counters by slot; time from performance.now().
//
// Streams have no close codes: every end of an open stream is CONN_CLOSED, and its reason goes to
// the error slots — reset → ECONNRESET/EPIPE, timeout → ETIMEDOUT, other errors by code (undici
// codes mapped by streamErrorCode); a clean server end ('end') and our own aborts are no error.
// Failed attempts: non-2xx, and SSE without text/event-stream → the status slot plus
// UNEXPECTED_RESPONSE (the target answered, so it is reachable); network failures by code. Every response head counts in statuses.
// Reconnects: a clean end, a reset or a transient status reconnect by --reconnect; 400/401/403/404/426
// and a wrong SSE content-type give up after reconnectMaxTries identical failures; SSE 204 means
// "do not reconnect" (WHATWG §9.2). For SSE, a server `retry:` hint replaces --reconnect-base in
// the chosen policy's shape (fixed waits the hint, exp doubles from it, immediate stays 0).
import { performance } from 'node:perf_hooks';
import { COUNTER, type ProfileOptions } from '../../protocol.js';
import type { SimClient } from '../sim-client.js';
import type { WorkerContext } from '../context.js';
import { END, backoffMs, isDeterministic, repeatedFailureGivesUp } from '../reconnect.js';
import { SeqWindow } from '../seq-window.js';
import type { Rng } from '../../scenarios/random.js';
import { HttpStream, type StreamFormat } from './http-stream.js';
import { STREAM_HANDLERS, settleBytes } from './stream-record.js';
import { onStreamOpen, profileDue } from './stream-profiles.js';
import { END_CONTENT_TYPE, PHASE, P_SLEEPY, P_SLOW, STREAM_STATE } from './stream-state.js';

/** A resumed reader that received nothing for this long has read everything that was waiting. */
const QUIET_MS = 200;

/**
 * The stream URL a client subscribes to: the plan URL plus `rate` and `size` from the push options
 * when it has no query of its own (then the server's rate is known and BYTES_EXPECTED is recorded).
 */
export function subscriptionUrl(url: string, opts: ProfileOptions): { url: string; knownRate: boolean } {
  const bare = url.replace(/^(sse|ndjson)\+/, '');
  if (new URL(bare).search !== '') return { url: bare, knownRate: false };
  return { url: `${bare}?rate=${opts.pushRate}&size=${opts.pushBytes}`, knownRate: true };
}

/** A simulated HTTP streaming client, reused across reconnects. */
export class StreamClient implements SimClient {
  dueAtMs = Infinity;
  heapSlot = -1;
  state: number = STREAM_STATE.IDLE;
  readonly stream: HttpStream<StreamClient>;
  readonly format: StreamFormat;
  /** True when the URL asked for the plan's push rate, so the bytes the server owed are known. */
  readonly knownRate: boolean;
  readonly seqWindow = new SeqWindow();
  /** Set when we end the stream (stop, storm, session end): the end is ours, not the server's. */
  weClosed = false;
  attemptStartMs = 0;
  openedAtMs = 0;
  /** When an open stream was lost; NaN unless a reconnect is pending. */
  droppedAtMs = Number.NaN;
  failStreak = 0;
  failKey = -1;
  attempt = 0;
  sessionEndMs = Infinity;
  /** After an end we caused on purpose: when to connect again (Infinity = not by us). */
  reconnectAtMs = Infinity;
  /** Content-type of the last response head (only kept for failed SSE heads). */
  failedContentType = '';

  // Per connection (reset in connect()).
  chunkNo = 0;
  lastEventChunk = -1;
  lastEventMs = 0;
  lastHeartbeatMs = 0;
  /** Lag of the last event with a ts, ms (Infinity before one). */
  lastLagMs = Infinity;
  events = 0;
  parseSamples = 0;

  // Profile state (stream-profiles.ts).
  phase: number = PHASE.AWAKE;
  nextFlipMs = Infinity;
  asleepAtMs = 0;
  /** performance.now() of the last wake while the stream stayed open; NaN once judged. */
  wokeAtMs = Number.NaN;
  /** 0 undecided, 1 vanishes at its first sleep, -1 always wakes. */
  vanishes = 0;
  /** The server ended the stream while we slept: counted as woke-closed at the next wake. */
  closedInSleep = false;
  /** Resumed at the end of the run to read what waited (BYTES_DRAINED) and see what the server did. */
  settling = false;
  settleStartMs = 0;
  /** BYTES_EXPECTED was recorded for this connection (at its end or when settling began). */
  bytesSettled = false;
  budgetBytes = 0;
  lastRefillMs = 0;
  nextStorm = 0;

  constructor(
    readonly id: number,
    /** Profile index in PROFILES. */
    readonly p: number,
    readonly ctx: WorkerContext,
    readonly rng: Rng,
  ) {
    const plan = ctx.plan;
    const sub = subscriptionUrl(plan.url, plan.profile);
    this.knownRate = sub.knownRate;
    this.format = plan.driver === 'ndjson' ? 'ndjson' : 'sse';
    const local = plan.localAddresses.length > 0 ? plan.localAddresses[id % plan.localAddresses.length] : undefined;
    this.stream = new HttpStream<StreamClient>(
      { url: sub.url, format: this.format, headers: plan.headers, connectTimeoutMs: plan.connectTimeoutMs, localAddress: local, rejectUnauthorized: !plan.tlsInsecure, ...(plan.caPem !== null ? { ca: plan.caPem } : {}) },
      STREAM_HANDLERS,
      this,
    );
  }

  hasOutstanding(): boolean {
    return false;
  }

  isIdle(): boolean {
    return !this.stream.active;
  }

  /** End of run: paused readers (slow, sleeping, vanished) read at full speed what waited for them. */
  beginStop(): void {
    if (this.state !== STREAM_STATE.OPEN || (this.p !== P_SLOW && this.p !== P_SLEEPY && !this.stream.paused)) return;
    const nowMs = performance.now();
    this.settling = true;
    this.settleStartMs = nowMs;
    settleBytes(this, nowMs); // the backlog is what was owed before this drain
    this.stream.resume();
  }

  isSettled(nowMs: number): boolean {
    if (!this.settling || !this.stream.active) return true;
    const s = this.stream;
    // Caught up: quiet, or reading pushes that are fresh again (a live stream is never quiet).
    return nowMs - Math.max(this.settleStartMs, s.chunkAtMs) > QUIET_MS || (s.chunkAtMs > this.settleStartMs && this.lastLagMs < QUIET_MS);
  }

  stop(): void {
    this.kill();
  }

  kill(): void {
    this.weClosed = true;
    this.stream.destroy().catch(noop);
  }

  /** Scheduler callback: connect when idle, otherwise the profile's timers and the session end. */
  onDue(nowMs: number): void {
    if (this.ctx.stopping) return;
    if (this.state === STREAM_STATE.IDLE) {
      this.connect(nowMs);
      return;
    }
    if (this.state !== STREAM_STATE.OPEN) return;
    if (nowMs >= this.sessionEndMs) {
      this.ctx.recorder.add(this.p, COUNTER.SESSIONS_ENDED, 1);
      this.reconnectAtMs = nowMs;
      this.end();
      return;
    }
    const next = profileDue(this, nowMs);
    // The profile may have dropped the stream; the end handler reschedules then.
    if (this.state === STREAM_STATE.OPEN) this.ctx.scheduler.at(this, Math.min(next, this.sessionEndMs));
  }

  /** Starts a stream attempt now. */
  connect(nowMs: number): void {
    const r = this.ctx.recorder;
    if (this.closedInSleep) {
      // The server ended the stream while we slept; the phone notices now, at wake-up.
      r.add(this.p, COUNTER.WOKE_CLOSED, 1);
      this.closedInSleep = false;
    }
    this.state = STREAM_STATE.CONNECTING;
    this.weClosed = false;
    this.reconnectAtMs = Infinity;
    this.attemptStartMs = nowMs;
    this.chunkNo = 0;
    this.lastEventChunk = -1;
    this.lastEventMs = 0;
    this.lastHeartbeatMs = 0;
    this.lastLagMs = Infinity;
    this.events = 0;
    this.parseSamples = 0;
    this.bytesSettled = false;
    this.settling = false;
    // Seqs restart per connection on NDJSON; SSE resumes after Last-Event-ID, and a new baseline
    // keeps a server that does not resume from looking like it dropped everything in between.
    this.seqWindow.reset();
    r.add(this.p, COUNTER.CONN_ATTEMPTED, 1);
    r.attempt(this.ctx.toEpochMs(nowMs));
    this.stream.open();
  }

  /** Ends the stream ourselves (abrupt: the socket is destroyed mid-body, like a dropped phone). */
  end(): void {
    this.weClosed = true;
    this.ctx.scheduler.cancel(this);
    this.stream.close();
  }

  /** The response head was a usable stream: count it open and let the profile start. */
  opened(nowMs: number): void {
    this.state = STREAM_STATE.OPEN;
    this.openedAtMs = nowMs;
    this.attempt = 0;
    this.failStreak = 0;
    this.failKey = -1;
    const plan = this.ctx.plan;
    this.sessionEndMs = plan.sessionMaxMs > 0 ? nowMs + this.rng.between(plan.sessionMinMs, plan.sessionMaxMs) : Infinity;
    if (this.ctx.stopping) {
      this.end();
      return;
    }
    const next = onStreamOpen(this, nowMs);
    this.ctx.scheduler.at(this, Math.min(next, this.sessionEndMs));
  }

  /**
   * The attempt ended (counted by stream-record.ts): decide whether and when to connect again.
   * `kind` is END.* or END_CONTENT_TYPE, `code` the status (0 for network ends).
   */
  afterEnd(nowMs: number, wasOpen: boolean, kind: number, code: number): void {
    this.state = STREAM_STATE.IDLE;
    this.ctx.scheduler.cancel(this);
    if (this.ctx.stopping) {
      this.state = STREAM_STATE.DONE;
      return;
    }
    if (this.weClosed) {
      // Ours: storms and session ends set when to come back.
      if (this.reconnectAtMs !== Infinity) this.ctx.scheduler.at(this, this.reconnectAtMs);
      else this.state = STREAM_STATE.DONE;
      return;
    }
    if (this.phase === PHASE.VANISHED) {
      this.state = STREAM_STATE.DONE; // a vanished phone never comes back
      return;
    }
    if (wasOpen) this.droppedAtMs = nowMs;
    else if (Number.isNaN(this.droppedAtMs)) this.droppedAtMs = this.attemptStartMs;
    if (kind === END.HANDSHAKE_STATUS && code === 204 && this.format === 'sse') {
      this.giveUp();
      return;
    }
    if (kind === END_CONTENT_TYPE || isDeterministic(kind, code)) {
      const what = kind === END_CONTENT_TYPE ? `response content-type ${this.failedContentType || '(none)'}` : `handshake status ${code}`;
      if (repeatedFailureGivesUp(this, kind * 100000 + code, what, nowMs)) {
        this.giveUp();
        return;
      }
    }
    const delay = this.reconnectDelayMs(this.attempt);
    if (delay < 0) {
      this.giveUp();
      return;
    }
    this.attempt++;
    // A sleeper the server dropped notices at wake-up, not before.
    const at = this.closedInSleep ? Math.max(nowMs + delay, this.nextFlipMs) : nowMs + delay;
    this.ctx.scheduler.at(this, at);
  }

  /** Delay before reconnect attempt `attempt` by the policy, with the SSE retry hint as its base; -1 = never. */
  reconnectDelayMs(attempt: number): number {
    const opts = this.ctx.plan.profile;
    if (opts.reconnect === 'none') return -1;
    const hint = this.format === 'sse' ? this.stream.retryHintMs : -1;
    // Allocates once per reconnect, never per event.
    return backoffMs(attempt, hint >= 0 && hint !== opts.reconnectBaseMs ? { ...opts, reconnectBaseMs: hint } : opts, this.rng);
  }

  /** No more reconnects for this client (a counted give-up was recorded by repeatedFailureGivesUp). */
  giveUp(): void {
    this.state = STREAM_STATE.DONE;
    this.droppedAtMs = Number.NaN;
  }
}

function noop(): void {}
