// `soakstorm lab --processes N`: N lab processes behind one port (node:cluster shares the
// listening socket; connections are dealt round-robin), so one target holds more connections
// and CPU than one event loop. The primary only forks, relays /metrics and stops the workers.
import cluster, { type Worker } from 'node:cluster';
import type { LabMetricsMessage, LabPeersMessage } from './cluster-metrics.js';

/** Worker -> primary once its server listens. */
export interface LabListeningMessage {
  type: 'soakstorm-lab-listening';
  url: string;
}

/** A running cluster of lab workers. */
export interface LabCluster {
  url: string;
  /** Stops every worker (1001 to their clients) and resolves once all exited. */
  stop(): Promise<void>;
  /** Resolves when any worker exits on its own (a crash fault): the lab is down. */
  workerDied: Promise<number | null>;
}

/** In the primary: forks `n` workers running the same `soakstorm lab` command line. */
export async function startLabCluster(n: number, env: Record<string, string>): Promise<LabCluster> {
  const texts: Record<string, string> = {};
  const workers: Worker[] = [];
  let stopping = false;
  let onDied: (code: number | null) => void = () => {};
  const workerDied = new Promise<number | null>((resolve) => (onDied = resolve));
  const urls: string[] = [];
  let onListening: () => void = () => {};
  let onFailed: (err: Error) => void = () => {};
  const listening = new Promise<void>((resolve, reject) => {
    onListening = resolve;
    onFailed = reject;
  });
  for (let i = 0; i < n; i++) {
    const w = cluster.fork(env);
    workers.push(w);
    w.on('message', (m: LabMetricsMessage | LabListeningMessage) => {
      if (m?.type === 'soakstorm-lab-listening') {
        urls.push(m.url);
        if (urls.length === n) onListening();
      } else if (m?.type === 'soakstorm-lab-metrics') {
        texts[String(m.id)] = m.text;
        for (const other of workers) if (other.isConnected()) other.send({ type: 'soakstorm-lab-peers', texts } satisfies LabPeersMessage);
      }
    });
    w.on('exit', (code) => {
      if (urls.length < n) onFailed(new Error(`lab worker exited with code ${code ?? 'null'} before listening`));
      if (!stopping) onDied(code);
    });
  }
  try {
    await listening;
  } catch (err) {
    for (const w of workers) w.process.kill('SIGTERM');
    throw err;
  }
  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.process.exitCode !== null || w.process.signalCode !== null) return resolve();
            const timer = setTimeout(() => w.process.kill('SIGKILL'), 4000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
  return { url: urls[0]!, stop, workerDied };
}
