// A small market-data feed that does NOT speak soakstorm's lab protocol: a client subscribes to
// symbols ({"op":"subscribe","symbols":[...]} → {"type":"subscribed",...}), then gets ticks
// {"type":"tick","symbol","seq","ts","price"} with a seq per symbol. Faults on purpose: every
// `gapEvery`-th seq of a symbol is never sent (a gap), and `lagMs` makes each tick's ts that much
// older than its send. It counts, per subscriber, the gaps each one will see (seqs skipped
// between two ticks it was sent), so a soak's gap count can be checked against it.
// Run it alone: node dist/examples/market/server.js [port]
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FeedServerOptions {
  port?: number;
  symbols?: string[];
  /** Ticks per second per symbol. */
  ratePerSec?: number;
  /** Skip every n-th seq of each symbol (0 = never). */
  gapEvery?: number;
  /** Ticks carry a ts this much in the past. */
  lagMs?: number;
  /** Stop publishing after this many seqs per symbol (0 = never). */
  maxTicks?: number;
}

export interface FeedStats {
  subscriptions: number;
  ticksSent: number;
  /** Seqs a subscriber missed between two ticks it was sent, summed over subscribers. */
  gapsCaused: number;
  /** Per symbol: the same, for a per-topic check. */
  gapsBySymbol: Record<string, number>;
}

export const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'TSLA', 'NVDA', 'META', 'NFLX'];

export async function startFeedServer(opts: FeedServerOptions = {}): Promise<{ url: string; stats: FeedStats; close(): Promise<void> }> {
  const symbols = opts.symbols ?? SYMBOLS;
  const stats: FeedStats = { subscriptions: 0, ticksSent: 0, gapsCaused: 0, gapsBySymbol: Object.fromEntries(symbols.map((s) => [s, 0])) };
  /** symbol -> subscriber -> last seq sent to it. */
  const subs = new Map<string, Map<WebSocket, number>>(symbols.map((s) => [s, new Map()]));
  const seqs = new Map<string, number>(symbols.map((s) => [s, 0]));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0 });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      let msg: { op?: string; symbols?: unknown };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        ws.close(1003, 'JSON only');
        return;
      }
      if (msg.op !== 'subscribe' || !Array.isArray(msg.symbols)) return;
      const ok = msg.symbols.filter((s): s is string => typeof s === 'string' && subs.has(s));
      for (const s of ok) subs.get(s)!.set(ws, -1);
      stats.subscriptions += ok.length;
      timer ??= setInterval(publish, 1000 / (opts.ratePerSec ?? 10)); // the feed starts with its first subscriber
      ws.send(JSON.stringify({ type: 'subscribed', symbols: ok }));
    });
    ws.on('close', () => {
      for (const m of subs.values()) m.delete(ws);
    });
  });
  const gapEvery = opts.gapEvery ?? 0;
  const lagMs = opts.lagMs ?? 0;
  const maxTicks = opts.maxTicks ?? 0;
  let timer: NodeJS.Timeout | null = null;
  const publish = (): void => {
    for (const symbol of symbols) {
      const seq = seqs.get(symbol)!;
      if (maxTicks > 0 && seq >= maxTicks) continue;
      seqs.set(symbol, seq + 1);
      if (gapEvery > 0 && seq > 0 && seq % gapEvery === 0) continue; // never sent: a gap for everyone subscribed
      const text = JSON.stringify({ type: 'tick', symbol, seq, ts: Date.now() - lagMs, price: 100 + (seq % 17) });
      for (const [ws, last] of subs.get(symbol)!) {
        if (ws.readyState !== ws.OPEN) continue;
        if (last >= 0 && seq - last - 1 > 0) {
          stats.gapsCaused += seq - last - 1;
          stats.gapsBySymbol[symbol]! += seq - last - 1;
        }
        subs.get(symbol)!.set(ws, seq);
        ws.send(text);
        stats.ticksSent++;
      }
    }
  };
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/feed`,
    stats,
    close: async () => {
      if (timer) clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startFeedServer({ port: Number(process.argv[2] ?? 8091), gapEvery: 50 });
  process.stdout.write(`market feed on ${server.url}\n`);
}
