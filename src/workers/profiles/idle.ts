// The idle profile: connected and awake, reads everything, answers pings (and counts heartbeats),
// sends nothing — unless --idle-send-every, then one 24-byte binary keep-alive that often (where
// the transport can send; the CLI refuses it on SSE/NDJSON). The natural probe for idle timeouts in
// the path (proxies, load balancers, meshes): a cut shows as silence and CUT_NO_PING.
// Hot-path invariants: no per-message allocation (the worker's scratch buffer), no logging.
import { COUNTER } from '../../protocol.js';
import { HEADER_BYTES } from '../client/context.js';
import type { Profile } from '../client/profile.js';
import { READER } from './reader.js';

/** An idle client's keep-alive clock (Infinity when it sends nothing). */
export interface IdleState {
  nextSendMs: number;
}

/** idle: holds a connection open and listens. */
export const idleProfile: Profile<IdleState> = {
  ...READER,
  name: 'idle',
  newState: () => ({ nextSendMs: Infinity }),
  onOpen(c, s, nowMs) {
    const every = c.ctx.plan.profile.idleSendEveryMs;
    s.nextSendMs = every > 0 && c.transport.caps.canSend ? nowMs + every : Infinity;
    return s.nextSendMs;
  },
  onDue(c, s, nowMs) {
    if (nowMs < s.nextSendMs || c.ctx.stopping) return s.nextSendMs;
    const { scratch, recorder } = c.ctx;
    scratch.fill(0, 0, HEADER_BYTES);
    c.transport.sendBinary(scratch.subarray(0, HEADER_BYTES));
    recorder.add(c.p, COUNTER.MSGS_SENT, 1);
    recorder.add(c.p, COUNTER.BYTES_SENT, HEADER_BYTES);
    s.nextSendMs = nowMs + c.ctx.plan.profile.idleSendEveryMs;
    return s.nextSendMs;
  },
};
