// Shared by the live-metrics tests: a free loopback port, the run's summary, bucket widths.
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/metrics/result.js';

/** A port nothing listens on right now (bind 0, note it, close). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** summary.json of the only run in `out`. */
export function onlySummary(out: string): RunSummary {
  const runs = readdirSync(out);
  if (runs.length !== 1) throw new Error(`expected one run folder in ${out}, got ${runs.length}`);
  return JSON.parse(readFileSync(join(out, runs[0]!, 'summary.json'), 'utf8')) as RunSummary;
}

/** CLI arguments of a short, mixed run (echo round trips and server pushes) against `wsUrl`. */
export function shortRunArgs(wsUrl: string, out: string): string[] {
  return ['run', wsUrl, '-c', '16', '-d', '5s', '--ramp-up', '1s', '--mix', 'fast=50,slow=50', '--rate', '20', '--push-rate', '20', '--subscribe', '{"op":"subscribe","rate":20,"size":1024}', '-w', '2', '--no-progress', '--out', out];
}

/** The run completed: exit 0, or 97 when a busy shared core saturated the generator (not what these tests judge). */
export function assertRan(r: { code: number | null; stderr: string }): void {
  if (r.code !== 0 && r.code !== 97) throw new Error(`soakstorm run exited ${r.code}:\n${r.stderr}`);
}
