// `npm run example:<name>`: starts the example's server on a free loopback port and soaks it with
// its scenario through the real CLI, with the scenario's short defaults; prints soakstorm's
// summary and the server's own counts, so the two can be compared. Exit code = soakstorm's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChatServer } from './chat/server.js';
import { startFeedServer } from './market/server.js';
import { startNotificationServer } from './notifications/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES: Record<string, () => Promise<{ url: string; stats: object; close(): Promise<void> }>> = {
  chat: () => startChatServer({ heartbeatMs: 2000 }),
  market: () => startFeedServer({ gapEvery: 50 }),
  notifications: () => startNotificationServer({ dropEveryMs: 4000 }),
};

const name = process.argv[2] ?? '';
const start = EXAMPLES[name];
if (start === undefined) {
  process.stderr.write(`run-example: unknown example "${name}". Use one of ${Object.keys(EXAMPLES).join(', ')}.\n`);
  process.exit(2);
}
const server = await start();
process.stdout.write(`example ${name}: server on ${server.url}\n`);
const child = spawn(
  process.execPath,
  [`${ROOT}dist/src/cli/main.js`, 'run', server.url, '--scenario', `${ROOT}examples/${name}/scenario.ts`, '--no-progress', ...process.argv.slice(3)],
  { stdio: 'inherit' },
);
const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
process.stdout.write(`server counted: ${JSON.stringify(server.stats)}\n`);
await server.close();
process.exit(code);
