// Parsers for option values (durations, sizes, counts, ranges). Each returns a value or
// throws a plain Error whose message is the "(got …). Use …" part of a one-line user error.

// Durations and sizes are shared with `lab` so a value means the same in every command.
export { parseBytes, parseDurationMs } from '../units.js';
import { parseDurationMs } from '../units.js';

/** A positive integer (or ≥ `min`). */
export function parseInteger(text: string, min = 1): number {
  if (!/^\s*-?\d+\s*$/.test(text)) throw new Error(`must be an integer ≥ ${min} (got "${text}")`);
  const n = Number(text);
  if (n < min || !Number.isSafeInteger(n)) throw new Error(`must be an integer ≥ ${min} (got "${text}")`);
  return n;
}

/** A positive number (rates may be fractional: 0.5 msgs/s). */
export function parsePositiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`must be a positive number (got "${text}")`);
  return n;
}

/** A percentage 0..100, with or without "%". */
export function parsePercent(text: string): number {
  const n = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new Error(`must be a percentage between 0 and 100 (got "${text}")`);
  return n;
}

/** "30s..5m" → [min, max] ms; a single duration gives [d, d]. */
export function parseDurationRange(text: string): [number, number] {
  const parts = text.split('..');
  if (parts.length > 2) throw new Error(`is not a range (got "${text}"). Use min..max, e.g. 30s..5m`);
  const lo = parseDurationMs(parts[0]!);
  const hi = parts.length === 2 ? parseDurationMs(parts[1]!) : lo;
  if (hi < lo) throw new Error(`has max below min (got "${text}")`);
  return [lo, hi];
}

/** "127.0.0.2-127.0.0.20" or "127.0.0.2,127.0.0.3" → addresses (IPv4 ranges in the last octet). */
export function parseAddressList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+\.\d+\.\d+\.)(\d+)(?:-(?:\d+\.\d+\.\d+\.)?(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`is not an address list (got "${part}"). Use e.g. 127.0.0.2-127.0.0.20`);
    const from = Number(m[2]);
    const to = m[3] !== undefined ? Number(m[3]) : from;
    if (from > 255 || to > 255 || to < from) throw new Error(`has a bad range (got "${part}")`);
    for (let i = from; i <= to; i++) out.push(`${m[1]}${i}`);
  }
  return out;
}

/** "Name: value" → [name, value]. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  if (i <= 0) throw new Error(`is not a header (got "${text}"). Use "Name: value"`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** One of `choices`. */
export function parseChoice<T extends string>(text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new Error(`must be one of ${choices.join(', ')} (got "${text}")`);
  return text as T;
}
