// Per-topic push figures (a scenario's push.topic): one tally per topic, made on the topic's
// first message, summed across clients in a worker and across workers in the coordinator.
// Lag per topic is a count, sum and max (mean and max), not a histogram: topics can be many.
import type { TopicTally } from '../protocol.js';

/** Topics tracked per worker and per run; beyond this, messages count under OTHER_TOPIC. */
export const MAX_TOPICS = 1000;
export const OTHER_TOPIC = '(other topics)';

/** A zeroed tally for `topic`. */
export function newTally(topic: string): TopicTally {
  return { topic, received: 0, gaps: 0, reorders: 0, duplicates: 0, lagCount: 0, lagSumMs: 0, lagMaxMs: Number.NEGATIVE_INFINITY };
}

/** Adds `from` into `into`. */
export function addTally(into: TopicTally, from: TopicTally): void {
  into.received += from.received;
  into.gaps += from.gaps;
  into.reorders += from.reorders;
  into.duplicates += from.duplicates;
  into.lagCount += from.lagCount;
  into.lagSumMs += from.lagSumMs;
  into.lagMaxMs = Math.max(into.lagMaxMs, from.lagMaxMs);
}

/** Folds interval deltas into the run's per-topic totals. */
export function mergeTopics(totals: Map<string, TopicTally>, deltas: readonly TopicTally[]): void {
  for (const d of deltas) {
    const key = totals.has(d.topic) || totals.size < MAX_TOPICS ? d.topic : OTHER_TOPIC;
    let t = totals.get(key);
    if (t === undefined) totals.set(key, (t = newTally(key)));
    addTally(t, d);
  }
}
