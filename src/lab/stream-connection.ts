// HTTP streaming side of the lab: SSE (`id:`/`event: tick`/`data:` events, `: hb` comments,
// Last-Event-ID resume) and NDJSON (one JSON per line, chunked), fed by the shared push scheduler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabContext } from './context.js';
import { registerConnection, unregisterConnection, type LabConnection } from './connection.js';
import type { Subscription } from './push.js';
import type { ConnectionKind } from './stats.js';
import { armSseHeartbeat } from './faults/heartbeat.js';
import { BurstBuffer } from './faults/burst.js';
import { refusalReason, refusalStatus, refuseRequest } from './faults/reject.js';
import { checkPushRequest } from './validate.js';

/** The stream kinds, by URL path. */
export type StreamKind = Exclude<ConnectionKind, 'ws'>;

const CONTENT_TYPES: Record<StreamKind, string> = {
  sse: 'text/event-stream; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** The lab's view of one open SSE or NDJSON response. */
export class StreamConnection implements LabConnection {
  readonly openedAtMs = performance.now();
  readonly timers: NodeJS.Timeout[] = [];
  sub: Subscription | null = null;
  closing = false;
  readonly kind: StreamKind;
  readonly #ctx: LabContext;
  readonly #res: ServerResponse;
  readonly #burst: BurstBuffer | null;

  constructor(ctx: LabContext, kind: StreamKind, res: ServerResponse) {
    this.#ctx = ctx;
    this.kind = kind;
    this.#res = res;
    this.#burst = ctx.options.burstMs > 0 ? new BurstBuffer(ctx.options.burstMs, this.openedAtMs) : null;
  }

  bufferedBytes(): number {
    return this.#res.writableLength;
  }

  /** Writes raw stream text, held for the next flush when --burst is on. */
  write(text: string): void {
    if (this.#burst !== null) this.#burst.hold(text);
    else this.#res.write(text);
  }

  push(json: string, seq: number): void {
    this.write(this.kind === 'sse' ? 'id: ' + seq + '\nevent: tick\ndata: ' + json + '\n\n' : json + '\n');
  }

  afterTick(nowMs: number): void {
    const text = this.#burst?.takeDue(nowMs) ?? null;
    if (text === null) return;
    this.#ctx.stats.burstFlushes++;
    this.#res.write(text);
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.#ctx.stats.streamEnds++;
    const held = this.#burst?.takeAll() ?? null;
    this.#res.end(held ?? undefined);
  }

  bytesWritten(): number {
    return this.#res.socket?.bytesWritten ?? 0;
  }

  destroy(): void {
    this.closing = true;
    this.#res.socket?.destroy();
    this.#res.destroy();
  }
}

function parseLastEventId(req: IncomingMessage): number {
  const header = req.headers['last-event-id'];
  const id = typeof header === 'string' ? Number(header.trim()) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

/** Serves GET /sse or /ndjson: refuses per the faults, else streams pushes until the peer leaves. */
export function acceptStream(
  ctx: LabContext,
  kind: StreamKind,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const status = refusalStatus(ctx);
  if (status !== 0) {
    refuseRequest(ctx, res, status, refusalReason(ctx, status));
    return;
  }
  const rate = Number(url.searchParams.get('rate') ?? ctx.options.pushRate);
  const sizeBytes = Number(url.searchParams.get('size') ?? ctx.options.pushBytes);
  const problem = checkPushRequest(rate, sizeBytes);
  if (problem !== null) {
    refuseRequest(ctx, res, 400, `bad query: ${problem}`);
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[kind],
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  if (kind === 'sse' && ctx.options.sseRetryMs > 0) res.write(`retry: ${ctx.options.sseRetryMs}\n\n`);
  else res.flushHeaders();
  const conn = new StreamConnection(ctx, kind, res);
  registerConnection(ctx, conn);
  res.on('close', () => unregisterConnection(ctx, conn));
  res.on('error', () => {});
  if (kind === 'sse') armSseHeartbeat(ctx, conn, (text) => conn.write(text));
  ctx.scheduler.subscribe(conn, rate, sizeBytes, kind === 'sse' ? parseLastEventId(req) : 0);
}
