// Plain HTTP routes of the lab: /sse, /ndjson, /metrics, /debug/memory, /healthz and an index.
// WebSocket upgrades never reach here (server.ts routes them, on any path).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabContext } from './context.js';
import { acceptStream } from './stream-connection.js';
import { servedMetrics } from './cluster-metrics.js';
import { debugMemory, PROMETHEUS_CONTENT_TYPE, renderMetrics } from './metrics.js';

const INDEX = `soakstorm lab
  ws://HOST/             WebSocket: binary and text echo; {"op":"subscribe","rate":N,"size":B} pushes
  ws://HOST/?subscribe=1&rate=N&size=B   subscribe at connect
  GET /sse?rate=N&size=B        Server-Sent Events push stream (Last-Event-ID resumes)
  GET /ndjson?rate=N&size=B     NDJSON push stream
  GET /metrics                  Prometheus text
  GET /debug/memory             JSON memory snapshot
  GET /healthz                  ok
`;

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
}

/** Answers one non-upgrade HTTP request. */
export function handleRequest(ctx: LabContext, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://lab.invalid');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    text(res, 405, 'soakstorm lab: only GET is served\n');
    return;
  }
  if (req.method === 'HEAD' && (url.pathname === '/sse' || url.pathname === '/ndjson')) {
    // A HEAD never gets a body, so it must not open a stream that would never end.
    text(res, 200, '', url.pathname === '/sse' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson');
    return;
  }
  switch (url.pathname) {
    case '/sse':
      acceptStream(ctx, 'sse', req, res, url);
      return;
    case '/ndjson':
      acceptStream(ctx, 'ndjson', req, res, url);
      return;
    case '/metrics':
      text(res, 200, servedMetrics(renderMetrics(ctx)), PROMETHEUS_CONTENT_TYPE);
      return;
    case '/debug/memory':
      text(res, 200, JSON.stringify(debugMemory(ctx)) + '\n', 'application/json');
      return;
    case '/healthz':
      text(res, 200, 'ok\n');
      return;
    case '/':
      text(res, 200, INDEX);
      return;
    default:
      text(res, 404, `soakstorm lab: no route ${url.pathname}; GET / lists them\n`);
  }
}
