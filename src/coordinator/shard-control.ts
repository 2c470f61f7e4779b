// The one message a parent (`run --processes`) sends its shard processes over the IPC channel
// node gives a forked child: abort now, with the parent's reason (a threshold failed on the
// merged live data). Keeps no process alive by itself.
import type { RunStopper } from './shutdown.js';

/** Parent -> shard process. */
export interface ShardAbortMessage {
  type: 'soakstorm-abort';
  detail: string;
}

/** In a shard process started with an IPC channel: turn the parent's abort into a stop request. */
export function listenForParentAbort(stopper: RunStopper): () => void {
  if (typeof process.send !== 'function') return () => {};
  const onMessage = (m: unknown): void => {
    const msg = m as Partial<ShardAbortMessage>;
    if (msg?.type === 'soakstorm-abort') stopper.stop({ reason: 'abort', status: 'aborted', detail: String(msg.detail ?? 'aborted by the parent run') });
  };
  process.on('message', onMessage);
  process.channel?.unref();
  return () => {
    process.off('message', onMessage);
  };
}
