// Options of the live metrics (--prometheus, --prometheus-linger, --otlp): their table rows
// and their parsing, kept together so options.ts only splices them in.
import { parseDurationMs } from './parse-values.js';

/** Rows for RUN_OPTIONS (same shape as its OptionSpec). */
export const LIVE_OPTION_SPECS = [
  { key: 'prometheus', flags: '--prometheus <host:port>', help: 'serve live metrics at http://host:port/metrics during the run (host defaults to 127.0.0.1)', default: '' },
  { key: 'prometheusLinger', flags: '--prometheus-linger <time>', help: 'keep /metrics up this long after the run, for a last scrape', default: '15s' },
  { key: 'otlp', flags: '--otlp <url>', help: 'push live metrics over OTLP/HTTP every tick, e.g. http://127.0.0.1:4318/v1/metrics', default: '' },
] as const;

/** What the run command needs to start LiveMetrics. */
export interface LiveOptions {
  prometheus: { host: string; port: number } | null;
  lingerMs: number;
  otlpUrl: string | null;
}

/** "9464", ":9464", "0.0.0.0:9464", "[::1]:9464" → host and port (host 127.0.0.1 when left out). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`is not host:port (got "${text}"). Use e.g. 127.0.0.1:9464 or 9464`);
  const host = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** Parses the live options; each problem is one line pushed to `problems`. */
export function liveOptionsFrom(value: (key: string) => string | string[] | boolean | undefined, problems: string[]): LiveOptions {
  const text = (key: string): string => String(value(key) ?? '').trim();
  const out: LiveOptions = { prometheus: null, lingerMs: 15_000, otlpUrl: null };
  if (text('prometheus') !== '') {
    try {
      out.prometheus = parseListenAddress(text('prometheus'));
    } catch (err) {
      problems.push(`--prometheus ${(err as Error).message}.`);
    }
  }
  if (text('prometheusLinger') !== '') {
    try {
      out.lingerMs = parseDurationMs(text('prometheusLinger'));
    } catch (err) {
      problems.push(`--prometheus-linger ${(err as Error).message}.`);
    }
  }
  const otlp = text('otlp');
  if (otlp !== '') {
    let url: URL | null = null;
    try {
      url = new URL(otlp);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`--otlp must be an http(s) URL of an OTLP/HTTP receiver (got "${otlp}"). Use e.g. http://127.0.0.1:4318/v1/metrics.`);
    } else out.otlpUrl = otlp;
  }
  return out;
}
