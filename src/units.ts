// Durations and sizes as users type them, shared by every command (run and lab) so one value
// means the same thing everywhere. A bare number is never a duration: "30" was 30 s for `run`
// and 30 ms for `lab`, so both now refuse it and say which unit to write (0 alone is allowed:
// it means "off"). Sizes are 1024-based; a bare number is bytes. Parsers throw a plain Error
// whose message is the "(got …). Use …" tail of a one-line user error.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** "30s", "5m", "1h", "250ms", "1m30s" or "0" → whole ms. A bare number other than 0 is refused. */
export function parseDurationMs(text: string): number {
  const t = text.trim();
  if (/^0+(\.0+)?$/.test(t)) return 0;
  if (/^\d+(\.\d+)?$/.test(t)) {
    throw new Error(`needs a unit (got "${text}"). Write ${t}s for seconds or ${t}ms for milliseconds`);
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched !== t.length || t.length === 0) throw new Error(`is not a duration (got "${text}"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h`);
  return Math.round(total);
}

/** "64", "4KB", "64k", "1MiB", "1GB" → bytes (k, M and G are 1024-based). */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) throw new Error(`is not a size (got "${text}"). Use bytes or a unit, e.g. 64, 4KB, 1MB`);
  return Math.round(Number(m[1]) * unit);
}

/** Whole ms the way a user would type them back: 0, 250ms, 30s, 5m, 1h. */
export function showDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Bytes the way a user would type them back: 64, 16KB, 1MB. */
export function showBytes(n: number): string {
  if (n !== 0 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3}GB`;
  if (n !== 0 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2}MB`;
  if (n !== 0 && n % 1024 === 0) return `${n / 1024}KB`;
  return String(n);
}

/** One line for every command's --help: how to write durations and sizes. */
export const UNITS_HELP = 'Durations need a unit: 250ms, 30s, 5m, 1h, 1m30s (a bare 0 means off). Sizes are bytes or 1024-based units: 64, 4KB, 1MB.';
