// What the lab tells a memory sampler about itself: /metrics in Prometheus text format (0.0.4)
// and /debug/memory as JSON. Read-only views of process memory and the lab counters.
import type { LabContext } from './context.js';

const MIB = 1024 * 1024;

/** Content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Sample = [labels: string, value: number];

function family(out: string[], name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
}

function byLabel(label: string, counts: Record<string, number>): Sample[] {
  return Object.entries(counts).map(([key, value]) => [`{${label}="${key}"}`, value]);
}

/** Renders process memory and every lab counter as Prometheus text. */
export function renderMetrics(ctx: LabContext): string {
  const mem = process.memoryUsage();
  const s = ctx.stats;
  const out: string[] = [];
  family(out, 'process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', mem.rss]]);
  family(out, 'process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', [
    ['', Math.round(performance.timeOrigin / 1000)],
  ]);
  family(out, 'nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', [
    ['', mem.heapTotal],
  ]);
  family(out, 'nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', [
    ['', mem.heapUsed],
  ]);
  family(out, 'nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', [['', mem.external]]);
  family(out, 'nodejs_array_buffers_bytes', 'gauge', 'Memory held by ArrayBuffers and Buffers in bytes.', [
    ['', mem.arrayBuffers],
  ]);
  family(out, 'soakstorm_lab_open_connections', 'gauge', 'Open connections (WebSocket, SSE, NDJSON).', [
    ['', s.connectionsOpen],
  ]);
  family(out, 'soakstorm_lab_open_connections_by_kind', 'gauge', 'Open connections by kind.', byLabel('kind', s.openByKind));
  const counters: Array<[string, string, number]> = [
    ['connections_total', 'Connections accepted.', s.connectionsTotal],
    ['messages_echoed_total', 'WebSocket messages echoed.', s.messagesEchoed],
    ['pings_received_total', 'WebSocket pings received.', s.pingsReceived],
    ['pushes_sent_total', 'Push messages sent (WebSocket, SSE, NDJSON).', s.pushesSent],
    ['stream_ends_total', 'Streams ended cleanly by the server.', s.streamEnds],
    ['heartbeat_terminations_total', 'Connections terminated for a missed pong.', s.heartbeatTerminations],
    ['age_cuts_total', 'Connections cut at --age-cut without a close frame.', s.ageCuts],
    ['idle_cuts_total', 'Connections cut at --idle-timeout without a close frame.', s.idleCuts],
    ['drops_total', 'Messages dropped by --drop-rate.', s.drops],
    ['slow_drops_total', 'Pushes shed for a slow consumer.', s.slowDrops],
    ['slow_disconnects_total', 'Slow consumers disconnected.', s.slowDisconnects],
    ['crashes_total', 'Crashes by --crash-after.', s.crashes],
  ];
  for (const [name, help, value] of counters) family(out, `soakstorm_lab_${name}`, 'counter', help, [['', value]]);
  family(out, 'soakstorm_lab_rejected_total', 'counter', 'Refused handshakes by HTTP status.', byLabel('status', s.rejected));
  family(out, 'soakstorm_lab_server_closes_total', 'counter', 'Close frames sent by code.', byLabel('code', s.serverCloses));
  family(out, 'soakstorm_lab_leaked_bytes', 'gauge', 'Bytes retained by the leak knobs.', [['', s.leakedBytes]]);
  return out.join('\n') + '\n';
}

function mib(bytes: number): number {
  return Math.round((bytes / MIB) * 1000) / 1000;
}

/** The /debug/memory document: sizes in MiB (3 decimals), uptime of this lab in hours. */
export function debugMemory(ctx: LabContext): Record<string, number> {
  const mem = process.memoryUsage();
  return {
    heap_used_mb: mib(mem.heapUsed),
    heap_total_mb: mib(mem.heapTotal),
    external_mb: mib(mem.external),
    array_buffers_mb: mib(mem.arrayBuffers),
    rss_mb: mib(mem.rss),
    connections: ctx.stats.connectionsOpen,
    leaked_mb: mib(ctx.stats.leakedBytes),
    uptime_hours: Math.round(((performance.now() - ctx.startedAtMs) / 3_600_000) * 1e6) / 1e6,
  };
}
