// A small notification stream over Server-Sent Events that does NOT speak soakstorm's lab
// protocol: GET /notifications with "Authorization: Bearer <token>" (401 otherwise) streams the
// user's notifications as `id: <seq>` events with {"seq","ts","user","text"} data and `: ping`
// comments. Every user has one log; a reconnect with Last-Event-ID resumes right after it
// (replaying what was missed), so a client that resumes sees no gap. `dropEveryMs` ends every
// stream after that long, to make clients resume.
// Run it alone: node dist/examples/notifications/server.js [port]
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface NotificationServerOptions {
  port?: number;
  /** Notifications per second per user. */
  ratePerSec?: number;
  /** End every stream after this long (0 = never). */
  dropEveryMs?: number;
  heartbeatMs?: number;
}

export interface NotificationStats {
  rejected401: number;
  streams: number;
  /** Streams that came with Last-Event-ID. */
  resumes: number;
  /** Events sent again to a resuming stream. */
  replayed: number;
  sent: number;
}

interface UserLog {
  seq: number;
  log: string[];
  streams: Set<ServerResponse>;
}

export function defaultUsers(): Map<string, string> {
  const rows = JSON.parse(readFileSync(fileURLToPath(new URL('../../../examples/notifications/users.json', import.meta.url)), 'utf8')) as { user: string; token: string }[];
  return new Map(rows.map((r) => [r.token, r.user]));
}

export async function startNotificationServer(opts: NotificationServerOptions = {}): Promise<{ url: string; stats: NotificationStats; close(): Promise<void> }> {
  const users = defaultUsers();
  const stats: NotificationStats = { rejected401: 0, streams: 0, resumes: 0, replayed: 0, sent: 0 };
  const logs = new Map<string, UserLog>([...users.values()].map((u) => [u, { seq: 0, log: [], streams: new Set() }]));
  const event = (u: string, seq: number): string => `id: ${seq}\nevent: notification\ndata: ${JSON.stringify({ seq, ts: Date.now(), user: u, text: `notification ${seq}` })}\n\n`;
  const http = createServer((req, res) => {
    const user = users.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!req.url?.startsWith('/notifications') || user === undefined) {
      stats.rejected401++;
      res.writeHead(401, { 'content-type': 'text/plain' }).end('bearer token required\n');
      return;
    }
    const ul = logs.get(user)!;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('retry: 200\n\n');
    stats.streams++;
    const last = req.headers['last-event-id'];
    if (typeof last === 'string' && /^\d+$/.test(last)) {
      stats.resumes++;
      for (let s = Number(last) + 1; s < ul.seq; s++) {
        res.write(ul.log[s]!);
        stats.replayed++;
      }
    }
    ul.streams.add(res);
    const drop = (opts.dropEveryMs ?? 0) > 0 ? setTimeout(() => res.end(), opts.dropEveryMs) : null;
    res.on('close', () => {
      ul.streams.delete(res);
      if (drop) clearTimeout(drop);
    });
  });
  const tick = setInterval(() => {
    for (const [u, ul] of logs) {
      const text = event(u, ul.seq);
      ul.log[ul.seq++] = text;
      for (const res of ul.streams) {
        res.write(text);
        stats.sent++;
      }
    }
  }, 1000 / (opts.ratePerSec ?? 5));
  const beat = setInterval(() => {
    for (const ul of logs.values()) for (const res of ul.streams) res.write(': ping\n\n');
  }, opts.heartbeatMs ?? 1000);
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `sse+http://127.0.0.1:${port}/notifications`,
    stats,
    close: async () => {
      clearInterval(tick);
      clearInterval(beat);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startNotificationServer({ port: Number(process.argv[2] ?? 8092) });
  process.stdout.write(`notification stream on ${server.url}\n`);
}
