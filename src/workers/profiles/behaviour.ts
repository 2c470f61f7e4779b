// The contract between a WebSocket client and its profile: one shared, stateless object per
// profile; per-client state lives on the WsClient. Hot-path invariants: no allocation per call.
import type { ProfileName } from '../../protocol.js';
import type { WsClient } from '../drivers/ws-driver.js';

/** What a profile does with a client; one shared object per profile, state lives on the client. */
export interface ProfileBehaviour {
  readonly name: ProfileName;
  /** The connection opened: subscribe, set the first send time. Returns the next due time. */
  onOpen(c: WsClient, nowMs: number): number;
  /** Due work (sends, timeouts, sleep/wake); returns the next due time or Infinity. */
  onDue(c: WsClient, nowMs: number): number;
  onMessage(c: WsClient, data: Buffer, isBinary: boolean, nowMs: number): void;
  onPong(c: WsClient, data: Buffer, nowMs: number): void;
  /** A server ping arrived (heartbeat); with autoPong off the profile answers it or not. */
  onPing(c: WsClient, data: Buffer, nowMs: number): void;
  /** The connection ended (any reason): settle outstanding requests. */
  onClose(c: WsClient, nowMs: number): void;
  /** ws autoPong; sleepy clients answer pings themselves only while awake. */
  readonly autoPong: boolean;
}
