// /metrics of a lab served by several processes (`soakstorm lab --processes N`): each worker
// publishes its own Prometheus text to the primary every second, the primary hands every
// worker the others' latest, and whichever worker a scrape lands on answers with the sum.
import cluster from 'node:cluster';

/** Worker -> primary: my metrics now. Primary -> workers: everyone's latest, by worker id. */
export interface LabMetricsMessage {
  type: 'soakstorm-lab-metrics';
  id: number;
  text: string;
}
export interface LabPeersMessage {
  type: 'soakstorm-lab-peers';
  texts: Record<string, string>;
}

const PUBLISH_MS = 1000;
let peers: Record<string, string> = {};

/** In a cluster worker: publish `render()` every second and keep the peers' texts. */
export function startClusterMetrics(render: () => string): () => void {
  if (!cluster.isWorker || typeof process.send !== 'function') return () => {};
  const id = cluster.worker!.id;
  const publish = (): void => {
    if (process.connected) process.send!({ type: 'soakstorm-lab-metrics', id, text: render() } satisfies LabMetricsMessage);
  };
  const onMessage = (m: unknown): void => {
    const msg = m as Partial<LabPeersMessage>;
    if (msg?.type === 'soakstorm-lab-peers' && msg.texts) peers = msg.texts;
  };
  process.on('message', onMessage);
  publish();
  const timer = setInterval(publish, PUBLISH_MS).unref();
  return () => {
    clearInterval(timer);
    process.off('message', onMessage);
  };
}

/** What /metrics serves: this process's text, plus every peer's latest when clustered. */
export function servedMetrics(local: string): string {
  if (!cluster.isWorker) return local;
  const mine = String(cluster.worker!.id);
  return sumPrometheus([local, ...Object.entries(peers).filter(([id]) => id !== mine).map(([, t]) => t)]);
}

/**
 * Adds Prometheus texts sample by sample (same name and labels), family by family, keeping the
 * first HELP/TYPE lines. Start times take the earliest instead of a sum.
 */
export function sumPrometheus(texts: string[]): string {
  const families = new Map<string, { comments: string[]; keys: string[] }>();
  const values = new Map<string, number>();
  const familyOf = (name: string): { comments: string[]; keys: string[] } => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { comments: [], keys: [] }));
    return f;
  };
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      if (line.startsWith('#')) {
        const name = line.split(' ')[2] ?? '';
        const f = familyOf(name);
        if (!f.comments.includes(line) && !f.comments.some((c) => c.split(' ')[1] === line.split(' ')[1])) f.comments.push(line);
        continue;
      }
      const cut = line.lastIndexOf(' ');
      const key = line.slice(0, cut);
      const value = Number(line.slice(cut + 1));
      const f = familyOf(key.split('{')[0]!);
      const prev = values.get(key);
      if (prev === undefined) {
        f.keys.push(key);
        values.set(key, value);
      } else values.set(key, key.includes('start_time_seconds') ? Math.min(prev, value) : prev + value);
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    out.push(...f.comments);
    for (const k of f.keys) out.push(`${k} ${values.get(k)}`);
  }
  return out.join('\n') + '\n';
}
