// The slow profile: asks for pushes (the plan's subscribe message, if any) and reads at a
// throttled byte rate by pausing and resuming the transport, so the server's send buffer and the
// kernel's buffers fill. What the server owed minus what arrived is the backlog it holds (or
// dropped). Loopback kernel buffers absorb megabytes per connection before the server feels it.
// Hot-path invariants: no per-message allocation, no closures, no logging, counters by slot.
import type { Profile } from '../client/profile.js';
import { READER } from './reader.js';

/** Read budget refill period: fine enough to look like a steady reader, coarse enough to be cheap. */
const REFILL_MS = 100;

/** A slow reader's byte budget. */
export interface SlowState {
  budgetBytes: number;
  lastRefillMs: number;
}

/** slow: a reader that falls behind on purpose. */
export const slowProfile: Profile<SlowState> = {
  ...READER,
  name: 'slow',
  newState: () => ({ budgetBytes: 0, lastRefillMs: 0 }),
  onOpen(c, s, nowMs) {
    c.subscribe(nowMs);
    s.budgetBytes = (c.ctx.plan.profile.slowReadBytesPerSec * REFILL_MS) / 1000;
    s.lastRefillMs = nowMs;
    return nowMs + REFILL_MS;
  },
  onDue(c, s, nowMs) {
    const rate = c.ctx.plan.profile.slowReadBytesPerSec;
    // Unused budget does not pile up beyond one second: a slow reader never sprints.
    s.budgetBytes = Math.min(rate, s.budgetBytes + (rate * (nowMs - s.lastRefillMs)) / 1000);
    s.lastRefillMs = nowMs;
    if (s.budgetBytes > 0 && c.transport.paused) c.transport.resume();
    return nowMs + REFILL_MS;
  },
  onBytes(c, s, bytes) {
    s.budgetBytes -= bytes;
    // At the end of the run the reader drains at full speed to learn what the server did.
    if (s.budgetBytes <= 0 && !c.transport.paused && !c.ctx.stopping) c.transport.pause();
  },
  // Behind by design: when the server closes, the silence before it is not what the client saw.
  isReading: () => false,
  settlesAtEnd: () => true,
};
