// The slow profile: subscribes to a push stream and reads at a throttled byte rate by pausing
// and resuming the socket, so the server's send buffer and the kernel's buffers fill. What the
// server owed minus what arrived is the backlog it holds (or dropped). Loopback kernel buffers
// absorb megabytes per connection before the server feels it (README "What slow can provoke").
// Hot-path invariants: no per-message allocation, no closures, no logging, counters by slot.
import type { ProfileBehaviour } from './behaviour.js';
import { accountPing, accountPush, flushSeqs, settlePushes, subscribe } from './push.js';

/** Read budget refill period: fine enough to look like a steady reader, coarse enough to be cheap. */
const REFILL_MS = 100;
const BUDGET = 0;
const LAST_REFILL_MS = 1;

/** slow: a reader that falls behind on purpose. */
export const slowProfile: ProfileBehaviour = {
  name: 'slow',
  autoPong: true,
  onOpen(c, nowMs) {
    subscribe(c, nowMs);
    c.slots[BUDGET] = (c.ctx.plan.profile.slowReadBytesPerSec * REFILL_MS) / 1000;
    c.slots[LAST_REFILL_MS] = nowMs;
    return nowMs + REFILL_MS;
  },
  onDue(c, nowMs) {
    const rate = c.ctx.plan.profile.slowReadBytesPerSec;
    // Unused budget does not pile up beyond one second: a slow reader never sprints.
    c.slots[BUDGET] = Math.min(rate, c.slots[BUDGET]! + (rate * (nowMs - c.slots[LAST_REFILL_MS]!)) / 1000);
    c.slots[LAST_REFILL_MS] = nowMs;
    if (c.slots[BUDGET]! > 0 && c.ws!.isPaused) c.ws!.resume();
    return nowMs + REFILL_MS;
  },
  onMessage(c, data, isBinary, nowMs) {
    if (!isBinary) accountPush(c, data, nowMs);
    c.slots[BUDGET]! -= data.length;
    // At the end of the run the reader drains at full speed to learn what the server did.
    if (c.slots[BUDGET]! <= 0 && !c.ws!.isPaused && !c.ctx.stopping) c.ws!.pause();
  },
  onPong() {},
  onPing(c, _data, nowMs) {
    accountPing(c, nowMs);
  },
  onClose(c, nowMs) {
    settlePushes(c, nowMs);
    flushSeqs(c);
  },
};
