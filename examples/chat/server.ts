// A small chat server that does NOT speak soakstorm's lab protocol: bearer-token auth at the
// handshake (401 without a valid token), a join message (malformed → close 1008), acks for every
// "say" (by the client's id), broadcasts with a per-room seq and a ts, and application heartbeats
// ({"type":"ping"} → {"type":"pong"}) with a reaper for clients that stop answering. It counts
// what it did, so tests and the example can compare soakstorm's figures with the server's.
// Run it alone: node dist/examples/chat/server.js [port]
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ChatServerOptions {
  port?: number;
  /** Valid tokens (default: the token column of examples/chat/tokens.csv). */
  tokens?: Set<string>;
  /** Application heartbeat period (0 = none); a client that misses `missedLimit` pongs in a row is dropped. */
  heartbeatMs?: number;
  missedLimit?: number;
}

/** What the server did, by its own count. */
export interface ChatStats {
  rejected401: number;
  closed1008: number;
  joined: number;
  acks: number;
  broadcastsSent: number;
  pings: number;
  pongs: number;
  /** Connections dropped for missing heartbeats. */
  reaped: number;
}

export interface ChatServer {
  url: string;
  stats: ChatStats;
  close(): Promise<void>;
}

interface Member {
  user: string;
  room: string | null;
  missed: number;
}

/** The default token list: the CSV next to this file's source. */
export function defaultTokens(): Set<string> {
  const csv = readFileSync(fileURLToPath(new URL('../../../examples/chat/tokens.csv', import.meta.url)), 'utf8');
  return new Set(csv.trim().split('\n').slice(1).map((l) => l.split(',')[0]!));
}

export async function startChatServer(opts: ChatServerOptions = {}): Promise<ChatServer> {
  const tokens = opts.tokens ?? defaultTokens();
  const stats: ChatStats = { rejected401: 0, closed1008: 0, joined: 0, acks: 0, broadcastsSent: 0, pings: 0, pongs: 0, reaped: 0 };
  const rooms = new Map<string, { seq: number; members: Set<WebSocket> }>();
  const members = new Map<WebSocket, Member>();
  const http = createServer((_req, res) => res.writeHead(426).end('WebSocket only\n'));
  const wss = new WebSocketServer({ noServer: true });

  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !tokens.has(token)) {
      stats.rejected401++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, token));
  });

  function onConnection(ws: WebSocket, token: string): void {
    const m: Member = { user: token, room: null, missed: 0 };
    members.set(ws, m);
    ws.on('message', (data) => {
      let msg: { type?: string; room?: unknown; id?: unknown; text?: unknown };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        msg = {};
      }
      if (m.room === null) {
        if (msg.type !== 'join' || typeof msg.room !== 'string' || msg.room === '') {
          stats.closed1008++;
          ws.close(1008, 'first message must be {"type":"join","room":"..."}');
          return;
        }
        m.room = msg.room;
        let room = rooms.get(m.room);
        if (room === undefined) rooms.set(m.room, (room = { seq: 0, members: new Set() }));
        room.members.add(ws);
        stats.joined++;
        ws.send(JSON.stringify({ type: 'joined', room: m.room, members: room.members.size }));
        return;
      }
      if (msg.type === 'pong') {
        stats.pongs++;
        m.missed = 0;
      } else if (msg.type === 'say') {
        ws.send(JSON.stringify({ type: 'ack', id: msg.id }));
        stats.acks++;
        const room = rooms.get(m.room)!;
        const out = JSON.stringify({ type: 'msg', room: m.room, seq: room.seq++, ts: Date.now(), text: msg.text });
        for (const peer of room.members) {
          if (peer.readyState === peer.OPEN) {
            peer.send(out);
            stats.broadcastsSent++;
          }
        }
      }
    });
    ws.on('close', () => {
      if (m.room !== null) rooms.get(m.room)?.members.delete(ws);
      members.delete(ws);
    });
  }

  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const missedLimit = opts.missedLimit ?? 2;
  const timer =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const [ws, m] of members) {
            if (m.missed >= missedLimit) {
              stats.reaped++;
              members.delete(ws);
              ws.terminate();
              continue;
            }
            m.missed++;
            stats.pings++;
            ws.send('{"type":"ping"}');
          }
        }, heartbeatMs)
      : null;

  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/chat`,
    stats,
    close: async () => {
      if (timer) clearInterval(timer);
      for (const ws of members.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startChatServer({ port: Number(process.argv[2] ?? 8090) });
  process.stdout.write(`chat server on ${server.url}\n`);
}
