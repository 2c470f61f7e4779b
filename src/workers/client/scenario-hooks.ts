// The one place the client core calls a scenario's functions (scenarios/define.ts). Compiled
// once per worker (scenario-runtime.ts: field readers, connection shape), one ClientScene per client
// for the whole run. A scenario function that throws is counted (SCENARIO_ERRORS) with a few
// samples per client, and the client carries on: a scenario bug never crashes a worker.
// Hot-path cost: one decode (JSON.parse) per incoming text message, then only the scenario's
// functions; per-topic seq windows are made on a topic's first seq, never per message.
import { COUNTER, ERROR_CODES, PROFILES, errorIndex, type TopicTally } from '../../protocol.js';
import type { Incoming, Outgoing, ScenarioClient } from '../../scenarios/define.js';
import type { ClientCore } from './profile.js';
import type { Schedulable } from './schedule.js';
import { accountHeartbeat, type PushHook } from './pushes.js';
import { H } from './recorder.js';
import type { RequestBook } from './requests.js';
import { SEQ_DUP, SEQ_REORDER, SEQ_STALE, SeqWindow } from './seq-window.js';
import { asNumber, outgoingText } from './scenario-fields.js';
import type { ScenarioRuntime } from './scenario-runtime.js';

export { ScenarioRuntime } from './scenario-runtime.js';

/** Error samples kept per client: the first few say what broke, the rest only count. */
const SAMPLES_PER_CLIENT = 3;
const HANDSHAKE_SLOT = ERROR_CODES.indexOf('SCENARIO_HANDSHAKE');

/** The client core as its scene drives it: the profile starts, or the step fails and it comes back later. */
export interface SceneClient extends ClientCore, Schedulable {
  reconnectAtMs: number;
  startProfile(nowMs: number): void;
}

/** One client's scenario state: its data row, handshake, per-topic seq windows, reply send times. */
export class ClientScene implements PushHook {
  handshaking = false;
  deadlineMs = Infinity;
  /** Handshake steps failed in a row; at --reconnect-max-tries the client gives up (reconnect-loop evidence). */
  #failStreak = 0;
  #samples = 0;
  /** Per topic of this client: its seq window (this connection) and the worker's tally. */
  #topics: Map<unknown, { w: SeqWindow; t: TopicTally }> | null = null;
  /** Actual send time by request seq (same ring index as the RequestBook), for rttRaw. */
  #actual: Float64Array | null = null;

  constructor(
    readonly rt: ScenarioRuntime,
    readonly c: SceneClient,
    readonly client: ScenarioClient,
  ) {}

  /** The connection opened: sends the open messages; true when a handshake answer is awaited (deadlineMs set). */
  opened(nowMs: number): boolean {
    const s = this.rt.loaded.scenario;
    if (s.onOpen !== undefined) {
      try {
        const out = s.onOpen(this.client);
        // An array is a list of messages (send a JSON array as [JSON.stringify(array)]).
        if (Array.isArray(out)) for (const m of out) this.send(m as Outgoing);
        else if (out !== undefined) this.send(out);
      } catch (err) {
        this.#fail('onOpen', err);
      }
    }
    if (s.handshake === undefined) return false;
    this.handshaking = true;
    this.deadlineMs = nowMs + this.rt.loaded.handshakeTimeoutMs;
    return true;
  }

  /** A text message during the handshake step: the profile starts, the step fails, or it keeps waiting. */
  handshakeText(data: Buffer, start: number, end: number, nowMs: number): void {
    const hs = this.rt.loaded.scenario.handshake!;
    const msg = this.#decode(data, start, end);
    try {
      if (hs.reject?.(msg, this.client) === true) return this.#handshakeFailed(nowMs, 'rejected: ' + data.toString('utf8', start, Math.min(end, start + 120)));
      if (hs.expect(msg, this.client) !== true) return;
    } catch (err) {
      return this.#fail('handshake', err);
    }
    this.handshaking = false;
    this.deadlineMs = Infinity;
    this.#failStreak = 0;
    this.c.startProfile(nowMs);
  }

  /** Due while the handshake step waits: fails it at its deadline, else waits on. */
  handshakeDue(nowMs: number): void {
    if (nowMs >= this.deadlineMs) this.#handshakeFailed(nowMs, `no expected answer within ${this.rt.loaded.handshakeTimeoutMs} ms`);
    else this.c.ctx.scheduler.at(this.c, this.deadlineMs);
  }

  /** Counts the failed step (SCENARIO_HANDSHAKE), closes, and comes back after the reconnect policy's first delay. */
  #handshakeFailed(nowMs: number, why: string): void {
    const c = this.c;
    const { recorder } = c.ctx;
    this.handshaking = false;
    this.deadlineMs = Infinity;
    recorder.add(c.p, COUNTER.SCENARIO_HANDSHAKE_FAILED, 1);
    recorder.bump(errorIndex(c.p, HANDSHAKE_SLOT));
    recorder.sample('error', c.p, `SCENARIO_HANDSHAKE: ${why}`);
    const delay = c.firstReconnectDelayMs();
    c.reconnectAtMs = delay < 0 ? Infinity : nowMs + delay;
    // The same refusal every time is deterministic: give up like any repeated 401 or 1008 would.
    if (++this.#failStreak >= c.ctx.plan.profile.reconnectMaxTries && delay >= 0) {
      c.reconnectAtMs = Infinity;
      recorder.add(c.p, COUNTER.RECONNECT_GIVEUPS, 1);
      recorder.event({ atMs: c.ctx.toEpochMs(nowMs), kind: 'reconnect-giveup', profile: PROFILES[c.p]!, detail: `scenario handshake failed x${this.#failStreak}` });
    }
    c.closeOurs(1000, 'soakstorm: handshake failed');
  }

  /** Sends one Outgoing value as text (where the transport can send). */
  send(out: Outgoing): void {
    const c = this.c;
    if (!c.transport.caps.canSend || !c.transport.active) return;
    const text = outgoingText(out);
    c.transport.sendText(text);
    c.ctx.recorder.add(c.p, COUNTER.MSGS_SENT, 1);
    c.ctx.recorder.add(c.p, COUNTER.BYTES_SENT, Buffer.byteLength(text));
  }

  /** Sends every scenario request due by `nowMs` (RequestBook's clock and ring); returns the next send time. */
  sendDue(rq: RequestBook, nowMs: number, intervalMs: number): number {
    const build = this.rt.loaded.scenario.request!.build;
    const { recorder } = this.c.ctx;
    const ring = rq.ring;
    const actualRing = (this.#actual ??= new Float64Array(ring.length));
    let budget = 1000;
    while (rq.nextSendMs <= nowMs && budget-- > 0) {
      const intended = rq.nextSendMs;
      rq.nextSendMs += intervalMs;
      if (this.c.transport.bufferedAmount > 4 * 1024 * 1024) {
        recorder.add(this.c.p, COUNTER.SENDS_SKIPPED, 1);
        continue;
      }
      if (rq.seq - rq.oldestSeq >= ring.length) rq.fail(rq.oldestSeq++, nowMs);
      let out: Outgoing;
      try {
        out = build(this.client, rq.seq);
      } catch (err) {
        this.#fail('request.build', err);
        continue;
      }
      const actual = performance.now();
      const seq = rq.seq++;
      ring[seq % ring.length] = intended;
      actualRing[seq % ring.length] = actual;
      recorder.record(H.sendLateness, this.c.p, (actual - intended) * 1000);
      this.send(out);
    }
    return rq.nextSendMs;
  }

  // ---- PushHook: every text message after the handshake ----

  onText(data: Buffer, start: number, end: number, nowMs: number): void {
    const c = this.c;
    const s = this.rt.loaded.scenario;
    const msg = this.#decode(data, start, end);
    if (msg === undefined) return;
    try {
      if (s.heartbeat !== undefined && s.heartbeat.match(msg) === true) {
        accountHeartbeat(c, nowMs);
        const reply = s.heartbeat.reply?.(msg, this.client);
        if (reply !== undefined) this.send(reply);
        return;
      }
      if (s.request !== undefined) {
        const n = s.request.replyId(msg);
        if (typeof n === 'number') {
          this.#answer(n, nowMs);
          return;
        }
      }
      this.#push(msg, nowMs);
    } catch (err) {
      this.#fail('message', err);
    }
  }

  reset(): void {
    if (this.#topics !== null) for (const x of this.#topics.values()) x.w.reset();
  }

  flush(nowMs: number): void {
    void nowMs;
    if (this.#topics === null) return;
    let lost = 0;
    for (const x of this.#topics.values()) {
      const n = x.w.flush();
      x.t.gaps += n;
      lost += n;
    }
    if (lost > 0) this.c.ctx.recorder.add(this.c.p, COUNTER.SEQ_GAPS, lost);
  }

  /** A reply to request `n`: RTT from its intended send time; a late or repeated reply counts once (or not, if it already failed). */
  #answer(n: number, nowMs: number): void {
    const c = this.c;
    const rq = c.requests();
    if (n < rq.oldestSeq || n >= rq.seq) return;
    const slot = n % rq.ring.length;
    const intended = rq.ring[slot]!;
    if (intended === 0) return;
    rq.ring[slot] = 0;
    const r = c.ctx.recorder;
    r.record(H.rtt, c.p, (nowMs - intended) * 1000);
    r.record(H.rttRaw, c.p, (nowMs - this.#actual![slot]!) * 1000);
    r.add(c.p, COUNTER.RTT_SAMPLES, 1);
    while (rq.oldestSeq < rq.seq && rq.ring[rq.oldestSeq % rq.ring.length] === 0) rq.oldestSeq++;
  }

  /** A pushed message: event gap always; lag by its ts; gaps/reorders/duplicates by its seq within its topic. */
  #push(msg: Incoming, nowMs: number): void {
    const c = this.c;
    const r = c.ctx.recorder;
    const rt = this.rt;
    c.lastDataMs = nowMs;
    if (c.lastPushMs > 0) r.record(H.eventGap, c.p, (nowMs - c.lastPushMs) * 1000);
    c.lastPushMs = nowMs;
    const seq = rt.seq === null ? Number.NaN : asNumber(rt.seq(msg));
    const ts = rt.ts === null ? Number.NaN : asNumber(rt.ts(msg));
    const hasSeq = Number.isInteger(seq) && seq >= 0;
    if (!hasSeq && Number.isNaN(ts)) return;
    r.add(c.p, COUNTER.PUSH_RECEIVED, 1);
    const x = this.#topic(rt.topic === null ? '' : rt.topic(msg));
    x.t.received++;
    if (!Number.isNaN(ts)) {
      const lagMs = c.ctx.toEpochMs(nowMs) - ts;
      c.lastLagMs = lagMs;
      r.recordLag(c.p, lagMs * 1000);
      x.t.lagCount++;
      x.t.lagSumMs += lagMs;
      if (lagMs > x.t.lagMaxMs) x.t.lagMaxMs = lagMs;
    }
    if (!hasSeq) return;
    const w = x.w;
    const result = w.observe(seq);
    if (w.newlyLost > 0) {
      r.add(c.p, COUNTER.SEQ_GAPS, w.newlyLost);
      x.t.gaps += w.newlyLost;
    }
    if (result === SEQ_REORDER || result === SEQ_STALE) {
      r.add(c.p, COUNTER.SEQ_REORDERS, 1);
      x.t.reorders++;
    } else if (result === SEQ_DUP) {
      r.add(c.p, COUNTER.SEQ_DUPLICATES, 1);
      x.t.duplicates++;
    }
  }

  /** This client's window and the worker's tally for `topic`, made on the topic's first message. */
  #topic(topic: unknown): { w: SeqWindow; t: TopicTally } {
    const topics = (this.#topics ??= new Map());
    let x = topics.get(topic);
    if (x === undefined) {
      x = { w: new SeqWindow(), t: this.rt.tally(topic) };
      topics.set(topic, x);
    }
    return x;
  }

  /** The parsed message (JSON) or its text; undefined (counted as a parse error) when JSON does not parse. */
  #decode(data: Buffer, start: number, end: number): Incoming {
    const text = data.toString('utf8', start, end);
    if (!this.rt.json) return text;
    try {
      return JSON.parse(text);
    } catch {
      const r = this.c.ctx.recorder;
      r.add(this.c.p, COUNTER.PARSE_ERRORS, 1);
      r.sample('parse-error', this.c.p, `not JSON: ${text.slice(0, 80)}`);
      return undefined;
    }
  }

  #fail(where: string, err: unknown): void {
    const r = this.c.ctx.recorder;
    r.add(this.c.p, COUNTER.SCENARIO_ERRORS, 1);
    if (this.#samples++ < SAMPLES_PER_CLIENT) r.sample('scenario-error', this.c.p, `${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
