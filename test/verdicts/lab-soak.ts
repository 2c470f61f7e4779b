// One soak against a lab in its own process (so the memory the verdicts read is only the lab's),
// shared by the memory-verdict test files: each file is a few soaks, so the suite can run them side by side.
import assert from 'node:assert/strict';
import { startLabProcess } from '../../src/coordinator/lab-process.js';
import { runSoak } from '../../src/coordinator/run.js';
import type { RunSummary, Verdict, VerdictId } from '../../src/metrics/result.js';
import { labRunOptions, testRunOptions } from '../helpers/run-options.js';

type Over = Parameters<typeof testRunOptions>[1];

export async function soakLab(labArgs: string[], over: Over, metric?: string): Promise<RunSummary> {
  const lab = await startLabProcess(labArgs);
  try {
    const options = labRunOptions(lab.wsUrl, {
      workers: 1,
      rampUpMs: 2000,
      baselineMs: 3000,
      cooldownMs: 15_000,
      memorySource: { kind: 'prometheus', url: `${lab.httpUrl}/metrics`, ...(metric ? { metric } : {}) },
      ...over,
    });
    return (await runSoak(options)).summary;
  } finally {
    await lab.stop();
  }
}

export function verdict(s: RunSummary, id: VerdictId): Verdict {
  const v = s.verdicts.find((x) => x.id === id);
  assert.ok(v, `verdict ${id}`);
  return v;
}

// Churn: 200 clients whose sessions last 1–2 s, so ~3,000 connections open and close. 30 s, not
// 20: on a busy 2-core machine samples come late or fail, and the dose–response needs ≥ 6 floors
// of ≥ 2 s in steady state with ≥ 200 closes (issue 11 asked for 5 out of 5 beside a CPU burner).
export const CHURN = { clients: 200, durationMs: 30_000, sessionMinMs: 1000, sessionMaxMs: 2000 };
