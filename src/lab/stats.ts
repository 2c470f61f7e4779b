// Live counters of what the lab saw and did, read by tests, /metrics and the status line.
// Plain numbers mutated in place; nothing here allocates per message.

/** Kinds of connection the lab serves. */
export type ConnectionKind = 'ws' | 'sse' | 'ndjson';

/** Counters since the lab started; open counts go down again, everything else only grows. */
export interface LabStats {
  connectionsOpen: number;
  openByKind: Record<ConnectionKind, number>;
  connectionsTotal: number;
  messagesEchoed: number;
  pingsReceived: number;
  pongsReceived: number;
  pushesSent: number;
  /** Refused handshakes and stream requests by HTTP status (reject-rate, max-connections, bad query). */
  rejected: Record<string, number>;
  /** Close frames the server sent, by close code. */
  serverCloses: Record<string, number>;
  /** Streams the server ended cleanly (close-after, shutdown). */
  streamEnds: number;
  heartbeatTerminations: number;
  ageCuts: number;
  /** Connections destroyed by --idle-timeout. */
  idleCuts: number;
  /** Echoes and pushes dropped by --drop-rate. */
  drops: number;
  /** Pushes shed because the consumer's backlog passed maxBufferedBytes (slow-policy drop). */
  slowDrops: number;
  /** Connections closed because their backlog passed maxBufferedBytes (slow-policy disconnect). */
  slowDisconnects: number;
  /** Bytes the leak knobs retain right now. */
  leakedBytes: number;
  burstFlushes: number;
  crashes: number;
  restarts: number;
}

/** Returns zeroed counters. */
export function createLabStats(): LabStats {
  return {
    connectionsOpen: 0,
    openByKind: { ws: 0, sse: 0, ndjson: 0 },
    connectionsTotal: 0,
    messagesEchoed: 0,
    pingsReceived: 0,
    pongsReceived: 0,
    pushesSent: 0,
    rejected: {},
    serverCloses: {},
    streamEnds: 0,
    heartbeatTerminations: 0,
    ageCuts: 0,
    idleCuts: 0,
    drops: 0,
    slowDrops: 0,
    slowDisconnects: 0,
    leakedBytes: 0,
    burstFlushes: 0,
    crashes: 0,
    restarts: 0,
  };
}

/** Adds one to `counts[key]`. */
export function bump(counts: Record<string, number>, key: number | string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
