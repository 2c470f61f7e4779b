// timeline.ndjson: one merged point per tick, appended as it arrives so a crash loses at most
// one tick. The coordinator owns the results folder; workers never write files.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoakstormError } from '../errors.js';
import type { RunSummary, TimelinePoint } from '../metrics/result.js';
import { redactText, type Redactor } from '../metrics/redact.js';

/** Writes plan.json, timeline.ndjson and summary.json into one run folder. */
export class ResultsFolder {
  readonly dir: string;
  /** Last line of defence: every text written passes through it, so no secret reaches the disk. */
  readonly #redact: Redactor;

  constructor(outDir: string, runId: string, redact: Redactor = redactText) {
    this.dir = join(outDir, runId);
    this.#redact = redact;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, 'timeline.ndjson'), '');
    } catch (err) {
      throw new SoakstormError('ERR_RESULTS_WRITE', `cannot write results to ${this.dir} (${(err as Error).message}). Choose another folder with --out.`);
    }
  }

  /** Writes plan.json (settings as run). */
  writePlan(plan: unknown): void {
    writeFileSync(join(this.dir, 'plan.json'), this.#redact(JSON.stringify(plan, null, 2)) + '\n');
  }

  /** Appends one tick. */
  appendPoint(point: TimelinePoint): void {
    appendFileSync(join(this.dir, 'timeline.ndjson'), this.#redact(JSON.stringify(point)) + '\n');
  }

  /** Writes summary.json beside itself and renames it in, so a kill mid-write never leaves half a summary. */
  writeSummary(summary: RunSummary): string {
    const path = join(this.dir, 'summary.json');
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(summary, null, 2) + '\n');
    renameSync(tmp, path);
    return path;
  }
}

/** A sortable, human-readable run id: 2026-11-23T14-05-09Z-ab12. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}
