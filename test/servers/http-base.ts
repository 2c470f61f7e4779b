// The HTTP side every test server shares: GET /metrics reports this process's own memory in
// Prometheus text (the names prom-client uses), GET /stats the server's counters as JSON, so a
// soak run can sample the real server memory when the server runs in its own process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every test server returns from start(). */
export interface TestServer<S> {
  /** ws://127.0.0.1:PORT/ (the URL clients connect to). */
  url: string;
  port: number;
  /** Live counters of the server. */
  stats: S;
  /** http://127.0.0.1:PORT/metrics of the process that holds the connections' memory. */
  metricsUrl: string;
  close(): Promise<void>;
}

/** process.memoryUsage() as Prometheus text: RSS, JS heap used, external memory. */
export function memoryMetrics(): string {
  const m = process.memoryUsage();
  return [
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${m.rss}`,
    '# TYPE nodejs_heap_size_used_bytes gauge',
    `nodejs_heap_size_used_bytes ${m.heapUsed}`,
    '# TYPE nodejs_external_memory_bytes gauge',
    `nodejs_external_memory_bytes ${m.external}`,
    '',
  ].join('\n');
}

/** An HTTP server on 127.0.0.1 port 0 answering /metrics and /stats; anything else 404. */
export function metricsServer(stats: () => unknown): Server {
  return createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(memoryMetrics());
    } else if (req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats()));
    } else {
      res.writeHead(404).end();
    }
  });
}

/** Listens on 127.0.0.1 port 0 and returns the port. */
export function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): AddressInfo | string | null }): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Closes an HTTP server, dropping keep-alive connections (the memory sampler's). */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
