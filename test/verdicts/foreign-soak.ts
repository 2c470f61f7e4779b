// Soaks a test server that does not speak the lab protocol (test/servers), in its own process so
// the memory the run samples from its /metrics is the server's alone. Not a test file itself.
import assert from 'node:assert/strict';
import { runSoak } from '../../src/coordinator/run.js';
import type { RunSummary, Verdict, VerdictId } from '../../src/metrics/result.js';
import { testRunOptions } from '../helpers/run-options.js';
import type { ServerKind } from '../servers/child-main.js';
import { startServerProcess } from '../servers/in-child.js';

export type Over = Parameters<typeof testRunOptions>[1];

/** Runs a soak against server `kind`; `memory` samples its heap + external via /metrics. */
export async function soakForeign(kind: ServerKind, serverOptions: object, over: Over, memory = true): Promise<{ summary: RunSummary; stats: Record<string, number> }> {
  const server = await startServerProcess(kind, serverOptions);
  try {
    const options = testRunOptions(server.url, {
      workers: 1,
      ...(memory ? { memorySource: { kind: 'prometheus' as const, url: server.metricsUrl, metric: 'nodejs_heap_size_used_bytes' } } : {}),
      ...over,
    });
    const { summary } = await runSoak(options);
    return { summary, stats: await server.stats() };
  } finally {
    await server.close();
  }
}

/** The verdict `id` of a summary (asserted present). */
export function verdictOf(s: RunSummary, id: VerdictId): Verdict {
  const v = s.verdicts.find((x) => x.id === id);
  assert.ok(v, `verdict ${id} present`);
  return v;
}
