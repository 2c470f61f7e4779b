// Entry of a test server in its own process: `node child-main.js <kind> '<json options>'`.
// Prints one line `listening <json {url, port, metricsUrl}>`, then serves until stdin closes
// (the parent exited or asked it to stop), so it can never outlive the test that started it.
import { startBroadcast, type BroadcastOptions } from './broadcast.js';
import { startHeartbeatReaper, type ReaperOptions } from './heartbeat-reaper.js';
import { startIdleProxy, type IdleProxyOptions } from './idle-proxy.js';

/** The servers a child can run, by name. */
export const SERVER_KINDS = {
  broadcast: (o: unknown) => startBroadcast(o as BroadcastOptions),
  'heartbeat-reaper': (o: unknown) => startHeartbeatReaper(o as ReaperOptions),
  'idle-proxy': (o: unknown) => startIdleProxy(o as IdleProxyOptions),
} as const;
export type ServerKind = keyof typeof SERVER_KINDS;

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2) as [ServerKind, string];
  const server = await SERVER_KINDS[kind](JSON.parse(json));
  process.stdout.write(`listening ${JSON.stringify({ url: server.url, port: server.port, metricsUrl: server.metricsUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void server.close().then(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
