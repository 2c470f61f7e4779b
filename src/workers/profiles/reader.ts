// What every profile does unless it says otherwise: reads everything, answers pings
// automatically, times answers to its own requests, accounts pushes and heartbeats, and lets
// --session-length end its sessions. Profiles spread this and override what differs.
import type { ClientCore } from '../client/profile.js';
import type { Profile } from '../client/profile.js';
import { accountHeartbeat, accountPush } from '../client/pushes.js';

/** The defaults of a reading, awake client (every method but name, newState, onOpen, onDue). */
export const READER: Omit<Profile<unknown>, 'name' | 'newState' | 'onOpen' | 'onDue'> = {
  manualPong: false,
  onBytes() {},
  onData(c: ClientCore, _s: unknown, data: Buffer, start: number, end: number, isBinary: boolean, nowMs: number) {
    if (isBinary) c.answer(data, start, end, nowMs);
    else accountPush(c, data, start, end, nowMs);
  },
  onPing(c: ClientCore, _s: unknown, _data: Buffer | null, nowMs: number) {
    accountHeartbeat(c, nowMs);
  },
  onClose() {
    return true;
  },
  isReading() {
    return true;
  },
  holdsSession() {
    return false;
  },
  settlesAtEnd() {
    return false;
  },
};
