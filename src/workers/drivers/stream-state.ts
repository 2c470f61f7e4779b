// Constants shared by the stream client, its counting handlers and its profiles (kept apart so
// those three modules import each other's values without an import cycle).
import { PROFILES } from '../../protocol.js';

/** StreamClient lifecycle states. */
export const STREAM_STATE = { IDLE: 0, CONNECTING: 1, OPEN: 2, DONE: 3 } as const;

/** Sleepy phases: reading, paused for a while, paused for good (never wakes, never closes). */
export const PHASE = { AWAKE: 0, ASLEEP: 1, VANISHED: 2 } as const;

/** Profile indices, so the hot path compares numbers. */
export const P_FAST = PROFILES.indexOf('fast');
export const P_SLOW = PROFILES.indexOf('slow');
export const P_SLEEPY = PROFILES.indexOf('sleepy');
export const P_STORM = PROFILES.indexOf('storm');

/** End kind beside reconnect.ts END.*: an SSE response without text/event-stream (fails the same way every time). */
export const END_CONTENT_TYPE = 3;
