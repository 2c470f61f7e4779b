// Stand-in for `soakstorm lab --port 0` while the CLI cannot load: starts the lab on 127.0.0.1:0,
// prints the same ready line, and closes on SIGTERM/SIGINT or when the parent's pipe closes.
import { startLab } from '../src/lab/server.js';

const lab = await startLab({ host: '127.0.0.1', port: 0 });
process.stdout.write(`soakstorm lab listening on ${lab.url}\n`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void lab.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).resume();
