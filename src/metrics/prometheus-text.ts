// The Prometheus text exposition format parser (memory samplers read one metric from it).

/** One sample line of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/**
 * Parses Prometheus text exposition format 0.0.4 (and the OpenMetrics subset servers emit):
 * skips `#` lines, reads `name{label="v",…} value [timestamp]`, unescapes \\ \" \n in label
 * values, accepts quoted UTF-8 names inside braces, Go float spellings (1.5e+06, +Inf, NaN)
 * and drops OpenMetrics exemplars (` # {…}`). Lines it cannot read are skipped, never thrown.
 */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = parseSampleLine(line);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function parseSampleLine(line: string): PromSample | undefined {
  let i = 0;
  let name = '';
  while (i < line.length && /[A-Za-z0-9_:]/.test(line[i]!)) name += line[i++];
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') break;
      if (i >= line.length) return undefined;
      let key = '';
      if (line[i] === '"') [key, i] = readQuoted(line, i);
      else while (i < line.length && /[A-Za-z0-9_]/.test(line[i]!)) key += line[i++];
      while (line[i] === ' ') i++;
      if (line[i] !== '=') {
        // A quoted string with no "=" is the metric name (Prometheus 3 UTF-8 names).
        if (name !== '' || key === '') return undefined;
        name = key;
        continue;
      }
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') return undefined;
      let value: string;
      [value, i] = readQuoted(line, i);
      labels[key] = value;
    }
    i++;
  }
  if (name === '') return undefined;
  const rest = line.slice(i).split(' # ')[0]!.trim().split(/\s+/);
  const value = parseGoFloat(rest[0] ?? '');
  if (value === undefined) return undefined;
  const ts = Number(rest[1] ?? NaN);
  return Number.isFinite(ts) ? { name, labels, value, timestampMs: ts } : { name, labels, value };
}

function readQuoted(line: string, start: number): [string, number] {
  let i = start + 1;
  let s = '';
  while (i < line.length && line[i] !== '"') {
    if (line[i] === '\\' && i + 1 < line.length) {
      const c = line[++i]!;
      s += c === 'n' ? '\n' : c;
    } else s += line[i];
    i++;
  }
  return [s, i + 1];
}

function parseGoFloat(s: string): number | undefined {
  const special: Record<string, number> = { '+inf': Infinity, inf: Infinity, '-inf': -Infinity, nan: NaN };
  // Plain decimal only: Number() would also read "0x1F", "0b1" and "Infinity".
  const v = special[s.toLowerCase()] ?? (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN);
  return Number.isNaN(v) && s.toLowerCase() !== 'nan' ? undefined : v;
}
