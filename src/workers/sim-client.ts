// What the worker entry needs of any simulated client, whatever its wire protocol: the
// scheduler hooks plus stop and drain queries. WsClient and the HTTP stream client implement it.
import type { Schedulable } from './schedule.js';

/** A simulated client as the worker's run loop sees it. */
export interface SimClient extends Schedulable {
  /** True while a request is unanswered (drain waits for these). */
  hasOutstanding(): boolean;
  /** True when no socket or stream is held any more. */
  isIdle(): boolean;
  /** End of run, before stop(): resume paused readers so what the server did (a close frame behind a backlog) is seen. */
  beginStop?(): void;
  /** True once a resumed reader has gone quiet or closed, so stop() will not hide the server's answer. */
  isSettled?(nowMs: number): boolean;
  /** End of run: close politely what is open, abort what is still connecting. */
  stop(): void;
  /** End of run, after the grace period: drop whatever is left without ceremony. */
  kill(): void;
}
