// A summary.json read back from disk is checked field by field before any report or compare
// touches it: a malformed or partial file is exit 2 naming the field, never an internal error.
import { SoakstormError } from '../errors.js';
import type { RunSummary } from '../metrics/result.js';

type Check = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** Fields every reporter and compare read, with their JSON types (dotted paths). */
const REQUIRED: [string, Check][] = [
  ['runId', 'string'],
  ['soakstorm', 'string'],
  ['status', 'string'],
  ['stopReason', 'string'],
  ['startedAt', 'string'],
  ['endedAt', 'string'],
  ['durationMs', 'number'],
  ['loadMs', 'number'],
  ['target', 'object'],
  ['target.url', 'string'],
  ['target.driver', 'string'],
  ['settings', 'object'],
  ['totals', 'object'],
  ['totals.clients', 'number'],
  ['totals.counters', 'object'],
  ['totals.counters.conn_attempted', 'number'],
  ['totals.counters.conn_opened', 'number'],
  ['totals.counters.conn_failed', 'number'],
  ['totals.closeCodes', 'array'],
  ['totals.statuses', 'object'],
  ['totals.errors', 'object'],
  ['totals.latency', 'object'],
  ['totals.latency.rtt', 'object'],
  ['totals.latency.rtt.count', 'number'],
  ['profiles', 'object'],
  ['generator', 'object'],
  ['generator.workers', 'number'],
  ['generator.saturated', 'boolean'],
  ['generator.reason', 'string'],
  ['generator.sendLatenessP99Ms', 'number'],
  ['generator.eventLoopP99MaxMs', 'number'],
  ['samples', 'array'],
  ['events', 'array'],
  ['histograms', 'object'],
  ['verdicts', 'array'],
  ['thresholds', 'array'],
];
const STATUSES = ['completed', 'interrupted', 'aborted', 'unreachable'];

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function at(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const key of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

/** `doc` as a RunSummary, or a SoakstormError (exit 2) naming the first bad field of `file`. */
export function checkSummaryShape(doc: unknown, file: string): RunSummary {
  const bad = (field: string, problem: string): SoakstormError =>
    new SoakstormError('ERR_RESULTS_READ', `${file}: field "${field}" ${problem}. The file is not a complete soakstorm summary: delete it and run "soakstorm report <dir>" to rebuild it from plan.json and timeline.ndjson.`, 2);
  for (const [field, want] of REQUIRED) {
    const v = at(doc, field);
    const got = typeOf(v);
    const expected = `expected ${want === 'array' || want === 'object' ? 'an' : 'a'} ${want}`;
    if (v === undefined) throw bad(field, `is missing (${expected})`);
    if (got !== want || (want === 'number' && !Number.isFinite(v))) throw bad(field, `is ${JSON.stringify(v)?.slice(0, 40) ?? got} (${expected})`);
  }
  const s = doc as RunSummary;
  if (!STATUSES.includes(s.status)) throw bad('status', `is ${JSON.stringify(s.status)} (expected one of ${STATUSES.join(', ')})`);
  s.verdicts.forEach((v, i) => {
    for (const k of ['id', 'status', 'summary'] as const) if (typeof (v as unknown as Record<string, unknown>)?.[k] !== 'string') throw bad(`verdicts[${i}].${k}`, 'is missing or not a string');
    if (typeof v.evidence !== 'object' || v.evidence === null) throw bad(`verdicts[${i}].evidence`, 'is missing (expected an object)');
  });
  s.thresholds.forEach((t, i) => {
    for (const k of ['expression', 'status', 'observedText'] as const) if (typeof (t as unknown as Record<string, unknown>)?.[k] !== 'string') throw bad(`thresholds[${i}].${k}`, 'is missing or not a string');
  });
  return s;
}
