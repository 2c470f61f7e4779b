// Counting for every SSE/NDJSON client in one place: the handlers object all HttpStreams of a
// worker share (response head, events, heartbeats, parse errors, chunks, ends). Hot-path
// invariants: no allocation per event (seq/ts land in the stream's result object, time is one
// performance.now() per chunk), no closures, no logging, counters by slot.
import { COUNTER, errorIndex, statusIndex } from '../../protocol.js';
import { errorSlot, statusSlot } from '../../metrics/close-codes.js';
import { H } from '../recorder.js';
import { END } from '../reconnect.js';
import { SEQ_DUP, SEQ_REORDER, SEQ_STALE } from '../seq-window.js';
import { escapeSample } from '../parsers/sample-text.js';
import { streamErrorCode, type HttpStream, type HttpStreamHandlers, type ResponseHeaders, type StreamEndReason, type StreamParseError } from './http-stream.js';
import type { StreamClient } from './stream-client.js';
import { END_CONTENT_TYPE, P_SLOW, STREAM_STATE } from './stream-state.js';
import { onSlowChunk, onStreamEndProfile } from './stream-profiles.js';

/** Parse-error samples kept per connection: the first few say what is wrong, the rest only count. */
const SAMPLES_PER_CONNECTION = 3;
const EVENT_STREAM = /^\s*text\/event-stream\s*(;|,|$)/i;
const UNEXPECTED_RESPONSE = errorSlot('UNEXPECTED_RESPONSE');

type S = HttpStream<StreamClient>;

/** True when a response head starts a stream HttpStream will read (mirrors its own checks). */
function usable(c: StreamClient, statusCode: number, headers: ResponseHeaders): boolean {
  if (statusCode < 200 || statusCode > 299 || statusCode === 204) return false;
  if (c.format !== 'sse') return true;
  if (EVENT_STREAM.test(String(headers['content-type']))) return true;
  c.failedContentType = String(headers['content-type'] ?? '').slice(0, 60);
  return false;
}

/** Handlers shared by every stream client of a worker; per-client state lives on `s.user`. */
export const STREAM_HANDLERS: HttpStreamHandlers<StreamClient> = {
  onResponse(s: S, statusCode: number, headers: ResponseHeaders): void {
    const c = s.user;
    const r = c.ctx.recorder;
    r.bump(statusIndex(c.p, statusSlot(statusCode)));
    if (!usable(c, statusCode, headers)) return;
    const nowMs = s.responseAtMs;
    const ttfbUs = (nowMs - s.startedAtMs) * 1000;
    r.add(c.p, COUNTER.CONN_OPENED, 1);
    r.add(c.p, COUNTER.OPEN_NOW, 1);
    r.record(H.ttfb, c.p, ttfbUs);
    // For a stream the response head is the handshake: connect time = time to first byte.
    r.record(H.connect, c.p, ttfbUs);
    if (!Number.isNaN(c.droppedAtMs)) {
      r.record(H.reconnect, c.p, (nowMs - c.droppedAtMs) * 1000);
      r.add(c.p, COUNTER.RECONNECTS, 1);
      c.droppedAtMs = Number.NaN;
    }
    c.opened(nowMs);
  },

  onChunk(s: S, bytes: number): void {
    const c = s.user;
    c.chunkNo++;
    c.ctx.recorder.add(c.p, COUNTER.BYTES_RECEIVED, bytes);
    if (c.settling) c.ctx.recorder.add(c.p, COUNTER.BYTES_DRAINED, bytes);
    if (c.p === P_SLOW) onSlowChunk(c, bytes);
  },

  onEvent(s: S, _data: Buffer, _start: number, _end: number): void {
    const c = s.user;
    const r = c.ctx.recorder;
    const p = c.p;
    const atMs = s.chunkAtMs;
    r.add(p, COUNTER.MSGS_RECEIVED, 1);
    if (c.events++ === 0) r.record(H.firstEvent, p, (atMs - s.startedAtMs) * 1000);
    else {
      r.record(H.eventGap, p, (atMs - c.lastEventMs) * 1000);
      // Delivered in the same read as the previous event: held and flushed together on the way.
      if (c.lastEventChunk === c.chunkNo) r.add(p, COUNTER.EVENTS_CLUMPED, 1);
    }
    c.lastEventMs = atMs;
    c.lastEventChunk = c.chunkNo;
    const st = s.seqTs;
    if (!st.hasSeq && !st.hasTs) return;
    r.add(p, COUNTER.PUSH_RECEIVED, 1);
    if (st.hasTs) {
      c.lastLagMs = c.ctx.toEpochMs(atMs) - st.ts;
      r.recordLag(p, c.lastLagMs * 1000);
    }
    if (!st.hasSeq) return;
    const w = c.seqWindow;
    const result = w.observe(st.seq);
    if (w.newlyLost > 0) r.add(p, COUNTER.SEQ_GAPS, w.newlyLost);
    if (result === SEQ_REORDER || result === SEQ_STALE) r.add(p, COUNTER.SEQ_REORDERS, 1);
    else if (result === SEQ_DUP) r.add(p, COUNTER.SEQ_DUPLICATES, 1);
  },

  onHeartbeat(s: S, _text: Buffer, _start: number, _end: number): void {
    const c = s.user;
    const r = c.ctx.recorder;
    r.add(c.p, COUNTER.HEARTBEATS, 1);
    if (c.lastHeartbeatMs > 0) r.record(H.heartbeatGap, c.p, (s.chunkAtMs - c.lastHeartbeatMs) * 1000);
    c.lastHeartbeatMs = s.chunkAtMs;
  },

  onParseError(s: S, code: StreamParseError, bytes: Buffer, start: number, end: number): void {
    const c = s.user;
    const r = c.ctx.recorder;
    r.add(c.p, COUNTER.PARSE_ERRORS, 1);
    if (c.parseSamples++ < SAMPLES_PER_CONNECTION) r.sample('parse-error', c.p, `${code}: ${escapeSample(bytes, start, end)}`);
  },

  onEnd(s: S, reason: StreamEndReason, code: string, statusCode: number): void {
    const c = s.user;
    const r = c.ctx.recorder;
    const nowMs = s.endedAtMs;
    const wasOpen = c.state === STREAM_STATE.OPEN;
    let kind: number = END.NETWORK;
    let failCode = 0;
    if (wasOpen) {
      r.add(c.p, COUNTER.CONN_CLOSED, 1);
      r.add(c.p, COUNTER.OPEN_NOW, -1);
      settleConnection(c, nowMs);
      if (reason !== 'aborted') {
        // Only ends whose moment we saw: one found after resuming a paused sleeper has no true age.
        if (onStreamEndProfile(c, nowMs)) r.record(H.lifetime, c.p, (nowMs - c.openedAtMs) * 1000);
        if (reason !== 'end') countError(c, reason, code);
      }
    } else if (!c.weClosed && reason !== 'aborted') {
      r.add(c.p, COUNTER.CONN_FAILED, 1);
      if (reason === 'status') {
        r.bump(errorIndex(c.p, UNEXPECTED_RESPONSE));
        kind = END.HANDSHAKE_STATUS;
        failCode = statusCode;
      } else if (reason === 'content-type') {
        // An answer, just not a stream: like a wrong status, not a network failure (the target is reachable).
        r.bump(errorIndex(c.p, UNEXPECTED_RESPONSE));
        r.sample('error', c.p, `SSE response content-type "${c.failedContentType}" (status ${statusCode})`);
        kind = END_CONTENT_TYPE;
      } else {
        countError(c, reason, code);
      }
    }
    c.afterEnd(nowMs, wasOpen, kind, failCode);
  },
};

/** Counts a failed or broken stream in its error slot, with one sample naming the code. */
function countError(c: StreamClient, reason: StreamEndReason, code: string): void {
  const name = code !== '' ? streamErrorCode(code) : reason === 'timeout' ? 'ETIMEDOUT' : 'other';
  c.ctx.recorder.bump(errorIndex(c.p, errorSlot(name)));
  c.ctx.recorder.sample('error', c.p, code !== '' ? `stream ${reason}: ${code}` : `stream ${reason}`);
}

/** End of an open stream: seqs still missing are lost; the bytes the server owed are tallied. */
export function settleConnection(c: StreamClient, nowMs: number): void {
  const lost = c.seqWindow.flush();
  if (lost > 0) c.ctx.recorder.add(c.p, COUNTER.SEQ_GAPS, lost);
  settleBytes(c, nowMs);
}

/**
 * Records once per connection what the server owed since the stream opened (pushRate × pushBytes
 * × time), when the URL asked for that rate. Payload bytes only: SSE field names and line ends are
 * in BYTES_RECEIVED but not here, so a healthy SSE stream receives a little more than expected.
 */
export function settleBytes(c: StreamClient, nowMs: number): void {
  if (!c.knownRate || c.bytesSettled) return;
  c.bytesSettled = true;
  const { pushRate, pushBytes } = c.ctx.plan.profile;
  c.ctx.recorder.add(c.p, COUNTER.BYTES_EXPECTED, ((nowMs - c.openedAtMs) / 1000) * pushRate * pushBytes);
}
