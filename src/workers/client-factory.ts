// Picks the client implementation for the plan's wire protocol and the client's profile.
import type { WorkerContext } from './context.js';
import type { SimClient } from './sim-client.js';
import { WsClient } from './drivers/ws-driver.js';
import { StreamClient } from './drivers/stream-client.js';
import { PROFILE_BEHAVIOURS } from './profiles/index.js';
import { ringSizeFor } from './profiles/fast.js';
import type { Rng } from '../scenarios/random.js';

/** A new client `id` of profile index `p` for this worker. */
export function createClient(id: number, p: number, ctx: WorkerContext, rng: Rng): SimClient {
  const plan = ctx.plan;
  switch (plan.driver) {
    case 'ws': {
      const behaviour = PROFILE_BEHAVIOURS[p];
      if (!behaviour) throw new Error(`profile index ${p} has no WebSocket behaviour`);
      return new WsClient(id, p, behaviour, ctx, rng, ringSizeFor(plan.profile.ratePerSec, plan.timeoutMs));
    }
    case 'sse':
    case 'ndjson':
      return new StreamClient(id, p, ctx, rng);
  }
}
