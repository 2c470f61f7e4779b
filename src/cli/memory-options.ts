// Option values for server memory sampling, leak budget, verdict gating and machine limits:
// parsed and checked before any thread starts, each problem one line.
import { readFileSync } from 'node:fs';
import { validateMemorySource, type MemorySource } from '../metrics/server-memory.js';
import type { VerdictId } from '../metrics/result.js';
import { redactText } from '../metrics/redact.js';
import { parseBytes, parseChoice } from './parse-values.js';

const VERDICT_IDS: readonly VerdictId[] = ['leak', 'backpressure', 'idle-cut', 'zombie', 'reconnect-loop', 'storm-recovery', 'burstiness', 'generator-saturated', 'availability'];

/** "leak,backpressure" or "all" → verdict ids. */
export function parseVerdictList(text: string): VerdictId[] {
  if (text.trim() === 'all') return [...VERDICT_IDS];
  return text.split(',').map((v) => parseChoice(v.trim(), VERDICT_IDS));
}

/** "1MB/min", "20KB/s" → bytes per minute. */
export function parseBytesPerMin(text: string): number {
  const m = /^(.+?)\s*\/\s*(s|sec|min|m|h)$/i.exec(text.trim());
  if (!m) throw new Error(`is not a rate (got "${text}"). Use a size per time, e.g. 1MB/min`);
  const per = { s: 60, sec: 60, min: 1, m: 1, h: 1 / 60 }[m[2]!.toLowerCase() as 's']!;
  return parseBytes(m[1]!) * per;
}

/** A repeatable option's values as a list. */
export function listOf(v: string | string[] | boolean | undefined): string[] {
  return Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
}

/** One memory sampler from --server-pid, --server-metrics or --server-memory-url (at most one). */
export function memorySourceFrom(value: (key: string) => string | string[] | boolean | undefined, problems: string[]): MemorySource | null {
  const pid = String(value('serverPid') ?? '');
  const prom = String(value('serverMetrics') ?? '');
  const json = String(value('serverMemoryUrl') ?? '');
  const given = [pid, prom, json].filter((x) => x !== '').length;
  if (given > 1) {
    problems.push('--server-pid, --server-metrics and --server-memory-url are alternatives (got more than one). Give one memory source.');
    return null;
  }
  let src: MemorySource | null = null;
  if (pid !== '') {
    if (!/^\d+$/.test(pid)) {
      problems.push(`--server-pid must be a process id (got "${pid}").`);
      return null;
    }
    src = { kind: 'pid', pid: Number(pid) };
  } else if (prom !== '') src = { kind: 'prometheus', url: prom, metric: String(value('metric')) };
  else if (json !== '') {
    const unit = String(value('unit')).toUpperCase();
    src = { kind: 'json', url: json, jsonPath: String(value('jsonPath') ?? ''), unit: unit as 'MB' };
  }
  if (src) for (const p of validateMemorySource(src)) problems.push(redactText(p.replace(/^soakstorm: /, '')));
  return src;
}

/** The soft open-file limit of this process (Linux /proc), or Infinity when unknown. */
export function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}
