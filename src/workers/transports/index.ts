// The transport for a plan's wire protocol; nothing above this file names a protocol. One
// factory per worker: clients of one profile and local address share one setup object (and the
// WebSocket options made from it), so a connection costs only its own transport.
import type { WorkerPlan } from '../../protocol.js';
import type { StreamTransport } from './stream.js';
import { PLAIN_CONNECT, type ConnectShape, type Transport, type TransportMeter, type TransportSetup, type TransportSink } from './transport.js';
import { WsTransport } from './ws.js';
import { LocalPorts } from './local-ports.js';

/**
 * The SSE/NDJSON transport, loaded only by workers of a stream plan: it brings undici, ~10 MB of
 * RSS in every thread that imports it, which a WebSocket run never uses (issue 15: generator RSS
 * at 19,500 held).
 */
let streamTransport: typeof StreamTransport | null = null;

/** Makes every transport of one worker. */
export class TransportFactory {
  readonly #setups = new Map<string, TransportSetup>();
  readonly #ports = new Map<string, LocalPorts>();

  /** Loads the transport of `driver`; once per worker, before the first factory for it (before 'ready'). */
  static async preload(driver: WorkerPlan['driver']): Promise<void> {
    if (driver !== 'ws') streamTransport ??= (await import('./stream.js')).StreamTransport;
  }

  constructor(
    readonly plan: WorkerPlan,
    readonly meter: TransportMeter,
    /** A scenario's subprotocols, Origin, compression and SNI, the same for every client. */
    readonly shape: ConnectShape = PLAIN_CONNECT,
  ) {}

  /**
   * A new transport for client `id` of profile index `p`, reporting to `sink`. `headers` (a
   * scenario's per-client headers, merged over the plan's) gives the client a setup of its own.
   */
  create(id: number, p: number, sink: TransportSink, headers: Record<string, string> | null = null): Transport {
    const plan = this.plan;
    const local = plan.localAddresses.length > 0 ? plan.localAddresses[id % plan.localAddresses.length] : undefined;
    const setup = headers === null ? this.#setup(p, local) : this.#make(p, local, headers);
    switch (plan.driver) {
      case 'ws':
        return new WsTransport(setup, sink);
      case 'sse':
      case 'ndjson':
        if (streamTransport === null) throw new Error('TransportFactory.preload() was not awaited for a stream plan');
        return new streamTransport(setup, sink, plan.driver, plan.profile);
    }
  }

  #setup(p: number, localAddress: string | undefined): TransportSetup {
    const key = `${p}\u0000${localAddress ?? ''}`;
    let setup = this.#setups.get(key);
    if (setup === undefined) {
      setup = this.#make(p, localAddress, this.plan.headers);
      this.#setups.set(key, setup);
    }
    return setup;
  }

  #make(p: number, localAddress: string | undefined, headers: Record<string, string>): TransportSetup {
    const plan = this.plan;
    return {
      p,
      meter: this.meter,
      url: plan.url,
      headers,
      connectTimeoutMs: plan.connectTimeoutMs,
      localAddress,
      localPorts: localAddress === undefined ? null : this.#portsOf(localAddress),
      maxMessageBytes: plan.maxMessageBytes,
      tlsInsecure: plan.tlsInsecure,
      caPem: plan.caPem,
      ...this.shape,
    };
  }

  /** One port cursor per source address, shared by every profile of this worker. */
  #portsOf(address: string): LocalPorts {
    let ports = this.#ports.get(address);
    if (ports === undefined) {
      // By client-id stride, so the workers of every shard process take disjoint ports.
      const plan = this.plan;
      const stride = plan.idStride ?? plan.workerCount;
      ports = new LocalPorts((plan.firstId ?? plan.workerIndex) % stride, stride, process.pid);
      this.#ports.set(address, ports);
    }
    return ports;
  }
}
