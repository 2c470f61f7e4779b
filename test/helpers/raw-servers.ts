// Small raw node:net servers on 127.0.0.1 port 0 for trust tests: they do NOT speak the lab
// protocol, and they misbehave on purpose (never answer, never close).
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/** A listening server and how to stop it (every socket destroyed). */
export interface RawServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

async function start(server: Server, sockets: Set<Socket>): Promise<RawServer> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Completes the WebSocket opening handshake (RFC 6455 §4.2.2), then reads everything and writes
 * nothing ever again: no echo, no pong, no answer to a close frame.
 */
export function mutePeer(): Promise<RawServer> {
  return start(createServer(acceptUpgrade), new Set<Socket>());
}

/** Answers the opening handshake on `socket`, then only reads. */
function acceptUpgrade(socket: Socket): void {
  {
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head.slice(0, end))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.on('data', () => {});
    };
    socket.on('data', onData);
  }
}

/**
 * A mute WebSocket peer that crashes `downAfterMs` after its first connection (every socket
 * destroyed, port closed: clients see 1006 then ECONNREFUSED) and, with `upAfterMs`, listens
 * again on the same port. Timed from the first connection so a slow CLI start cannot eat it.
 */
export async function crashingPeer(downAfterMs: number, upAfterMs: number | null): Promise<RawServer & { crashedAtMs: () => number | null }> {
  const sockets = new Set<Socket>();
  let crashedAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const server = createServer((socket) => {
    acceptUpgrade(socket);
    if (timer !== null || crashedAt !== null) return;
    timer = setTimeout(() => {
      crashedAt = Date.now();
      for (const s of sockets) s.destroy();
      server.close();
      if (upAfterMs !== null) timer = setTimeout(() => server.listen(port, '127.0.0.1'), upAfterMs);
    }, downAfterMs);
  });
  const raw = await start(server, sockets);
  const port = raw.port;
  return {
    ...raw,
    crashedAtMs: () => crashedAt,
    stop: async () => {
      if (timer !== null) clearTimeout(timer);
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Accepts TCP connections and never says a byte. */
export function silentTcp(): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => socket.on('data', () => {}));
  return start(server, sockets);
}
