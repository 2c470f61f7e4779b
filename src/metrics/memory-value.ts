// What a server memory figure may be: a finite, non-negative byte count no machine exceeds.
// Samplers read numbers a server chose to publish; nonsense (negative, NaN, 1e308, "0x1F") is a
// failed sample with the value named, never a point on the memory curve.

/** 64 TiB: past the memory of any single server process; bigger readings are garbage. */
export const MAX_PLAUSIBLE_BYTES = 64 * 1024 ** 4;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Why `bytes` (read as `raw`) is not a memory size, or undefined when it is one. */
export function implausibleBytes(bytes: number, raw: unknown = bytes): string | undefined {
  const shown = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  if (Number.isNaN(bytes)) return `${shown} is not a number`;
  if (!Number.isFinite(bytes)) return `${shown} is infinite`;
  if (bytes < 0) return `${shown} is negative`;
  if (bytes > MAX_PLAUSIBLE_BYTES) return `${shown} is over 64 TiB, not a process's memory`;
  return undefined;
}

/** A JSON value as a number: numbers, and strings in plain decimal notation (hex and the like are refused). */
export function jsonNumber(v: unknown): { n: number } | { error: string } | undefined {
  if (typeof v === 'number') return { n: v };
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (!DECIMAL.test(t)) return { error: `${JSON.stringify(v)} is not a decimal number` };
  return { n: Number(t) };
}
