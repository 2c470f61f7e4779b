// Tells an idle timeout in the path from a server's heartbeat reaper. A proxy's idle timer
// (nginx proxy_read_timeout, AWS ALB idle_timeout, Envoy stream_idle_timeout) cuts T after the
// last byte from the server and sends nothing first; a reaper pings first and closes after a
// missed pong. Workers record, per close the client did not start while reading, the silence
// since the last server frame ('silence' histogram) and whether a ping came after the last data
// message (cut_after_ping / cut_no_ping). Runs from before those existed fall back to: did any
// ping reach any client at all (the heartbeats counter).
import type { ProfileMetrics } from '../result.js';
import { bucketsFromEncoded, type Bucket, type VerdictInput } from './input.js';

/** Cuts without a ping before, silence at the cut, and the densest silence band. */
export interface SilenceFigures {
  /** True when the workers recorded silence and ping-before-cut (the contract's counters). */
  measured: boolean;
  cutNoPing: number;
  cutAfterPing: number;
  silenceUnknown: number;
  silenceUs: Bucket[];
  /** Pings / heartbeats any client saw while reading, in the whole run. */
  heartbeatsSeen: number;
}

const counter = (p: ProfileMetrics, key: string): number | undefined => (p.counters as Record<string, number | undefined>)[key];

/** The silence figures of a run (measured: false when the workers did not record them). */
export function silenceFigures(input: VerdictInput): SilenceFigures {
  const t = input.summary.totals;
  const noPing = counter(t, 'cut_no_ping');
  const afterPing = counter(t, 'cut_after_ping');
  const encoded = (input.summary.histograms['all'] as Record<string, string | undefined> | undefined)?.['silence'];
  return {
    measured: noPing !== undefined && afterPing !== undefined,
    cutNoPing: noPing ?? 0,
    cutAfterPing: afterPing ?? 0,
    silenceUnknown: counter(t, 'silence_unknown') ?? 0,
    silenceUs: bucketsFromEncoded(encoded),
    heartbeatsSeen: t.counters.heartbeats,
  };
}

/** Who most likely ended the connections: the path's idle timer, a heartbeat reaper, or unknown. */
export type Culprit = 'path-idle-timeout' | 'heartbeat-reaper' | 'unknown';

/** A share of cuts at least this large decides who cut. */
const DECIDING_SHARE = 0.8;

/**
 * Culprit from ping-before-cut when measured; else from whether any ping reached any client:
 * no ping at all in a run means no heartbeat reaper spoke, so closes of silent connections
 * without a close frame came from something that sends nothing first.
 */
export function culprit(s: SilenceFigures, abnormalShare: number): Culprit {
  const cuts = s.cutNoPing + s.cutAfterPing;
  if (s.measured && cuts > 0) {
    if (s.cutNoPing >= DECIDING_SHARE * cuts) return 'path-idle-timeout';
    if (s.cutAfterPing >= DECIDING_SHARE * cuts) return 'heartbeat-reaper';
    return 'unknown';
  }
  // Not measured, or every cut hit a client that was not reading (asleep): whether a ping came is unknown.
  if (s.heartbeatsSeen === 0 && abnormalShare >= DECIDING_SHARE) return 'path-idle-timeout';
  if (s.heartbeatsSeen > 0) return 'heartbeat-reaper';
  return 'unknown';
}
