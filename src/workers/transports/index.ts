// The transport for a plan's wire protocol; nothing above this file names a protocol.
import type { WorkerPlan } from '../../protocol.js';
import { StreamTransport } from './stream.js';
import type { Transport, TransportMeter, TransportSink } from './transport.js';
import { WsTransport } from './ws.js';

/** A new transport for client `id` of profile index `p`, reporting to `sink`. */
export function createTransport(plan: WorkerPlan, id: number, p: number, meter: TransportMeter, sink: TransportSink): Transport {
  const setup = {
    p,
    meter,
    url: plan.url,
    headers: plan.headers,
    connectTimeoutMs: plan.connectTimeoutMs,
    localAddress: plan.localAddresses.length > 0 ? plan.localAddresses[id % plan.localAddresses.length] : undefined,
    maxMessageBytes: plan.maxMessageBytes,
    tlsInsecure: plan.tlsInsecure,
    caPem: plan.caPem,
  };
  switch (plan.driver) {
    case 'ws':
      return new WsTransport(setup, sink);
    case 'sse':
    case 'ndjson':
      return new StreamTransport(setup, sink, plan.driver, plan.profile);
  }
}

