// What the server actually sent each subscriber, measured by readers that keep up (fast, idle),
// and how far the slow readers of the same stream fell behind it. Nothing here trusts
// --push-rate × --push-size: a server that ignores the subscribe message sends what it sends.
import type { ProfileName } from '../../protocol.js';
import type { ProfileMetrics, TimelinePoint } from '../result.js';
import type { VerdictInput } from './input.js';

/** Readers that read everything as it comes: their receive rate is the stream's send rate. */
const REFERENCE_PROFILES = ['idle', 'fast'] as const;
/** Fewer pushes than this seen by the reference readers do not measure a rate. */
const MIN_REFERENCE_PUSHES = 50;

/** Connection-seconds of `profile` over the ticks whose phase is in `phases` (all ticks when undefined). */
export function connectionSeconds(timeline: readonly TimelinePoint[], profile: string, phases?: readonly string[]): number {
  let sum = 0;
  let prevT = 0;
  for (const p of timeline) {
    const dt = p.t - prevT;
    prevT = p.t;
    if (phases !== undefined && !phases.includes(p.phase)) continue;
    sum += ((p.openByProfile as Record<string, number | undefined>)[profile] ?? 0) * dt;
  }
  return sum;
}

/** Bytes of server pushes a profile received: echoes of its own requests taken out. */
export function pushBytes(p: ProfileMetrics): number {
  const c = p.counters;
  const echoes = Math.max(0, c.msgs_received - c.push_received);
  const perEcho = c.msgs_sent > 0 ? c.bytes_sent / c.msgs_sent : 0;
  return Math.max(0, c.bytes_received - echoes * perEcho);
}

/** The stream as readers that kept up received it. */
export interface StreamRate {
  /** Profile the rate was measured on. */
  reference: ProfileName | 'subscribe-request';
  bytesPerSec: number;
  msgsPerSec: number;
  meanMessageBytes: number;
}

/** Per-subscriber send rate from reference readers; undefined when none saw enough pushes. */
export function observedStream(input: VerdictInput): StreamRate | undefined {
  const profiles = input.summary.profiles as Partial<Record<string, ProfileMetrics>>;
  for (const name of REFERENCE_PROFILES) {
    const p = profiles[name];
    if (p === undefined || p.counters.push_received < MIN_REFERENCE_PUSHES) continue;
    const secs = connectionSeconds(input.timeline, name);
    if (!(secs > 0)) continue;
    const bytes = pushBytes(p);
    return { reference: name as ProfileName, bytesPerSec: bytes / secs, msgsPerSec: p.counters.push_received / secs, meanMessageBytes: bytes / p.counters.push_received };
  }
  return undefined;
}

/** How far slow readers fell behind the stream, in bytes and messages. */
export interface SlowBacklog {
  stream: StreamRate | undefined;
  /** What the stream carried to slow readers while load ran (connection time × stream rate). */
  owedBytes: number;
  /** What slow readers read before the end-of-run drain. */
  readBytes: number;
  /** owed − read: how far behind they fell in all, bytes. */
  backlogBytes: number;
  backlogMessages: number;
  /** What arrived when the paused readers drained at full speed: held by kernel and server at the end. */
  drainedBytes: number;
  slowReadBytesPerSec: number;
  /** Load time (ramp-up + steady) in minutes, the denominator of per-minute figures. */
  loadMin: number;
}

/** Slow readers' backlog against the observed stream; falls back to the subscribe request's figure. */
export function slowBacklog(input: VerdictInput, slow: ProfileMetrics): SlowBacklog {
  const c = slow.counters;
  const stream = observedStream(input);
  const loadPhases = ['ramp-up', 'steady'];
  const loadSecs = connectionSeconds(input.timeline, 'slow', loadPhases);
  const readBytes = Math.max(0, c.bytes_received - c.bytes_drained);
  // Without a reader that kept up, bytes_expected (what the subscribe message asked for) is all we have.
  const owedBytes = stream !== undefined ? stream.bytesPerSec * loadSecs : c.bytes_expected;
  const backlogBytes = Math.max(0, owedBytes - readBytes);
  const meanMsg = stream?.meanMessageBytes ?? (c.push_received > 0 ? c.bytes_received / c.push_received : NaN);
  const loadMin = input.timeline.filter((p) => loadPhases.includes(p.phase)).length / 60;
  return {
    stream,
    owedBytes,
    readBytes,
    backlogBytes,
    backlogMessages: backlogBytes / meanMsg,
    drainedBytes: c.bytes_drained,
    slowReadBytesPerSec: loadSecs > 0 ? readBytes / loadSecs : NaN,
    loadMin,
  };
}
