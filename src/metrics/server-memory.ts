// Target-server memory samplers (procfs VmRSS, Prometheus text, JSON endpoint) and the
// Prometheus text parser. The only I/O in metrics/: it reads only the pid or URL the user gave,
// and a failed sample is returned as data, never thrown.
import { readFile } from 'node:fs/promises';
import type { Agent, request } from 'undici';
import { implausibleBytes, jsonNumber } from './memory-value.js';
import { parsePrometheusText, type PromSample } from './prometheus-text.js';

export { parsePrometheusText, type PromSample } from './prometheus-text.js';

/** Where to read the server's memory from (one of --server-pid / --server-metrics / --server-memory-url). */
export type MemorySource =
  | { kind: 'pid'; pid: number }
  | { kind: 'prometheus'; url: string; /** default process_resident_memory_bytes */ metric?: string }
  | { kind: 'json'; url: string; /** e.g. heap_used_mb or a.b.c */ jsonPath: string; unit: MemoryUnit };

/** Unit of a JSON memory figure; binary multiples (1 KB = 1024 B), as Node's own tools print. */
export type MemoryUnit = 'B' | 'KB' | 'MB' | 'GB';
const UNIT_BYTES: Record<MemoryUnit, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** One successful reading: `bytes` is the chosen metric; the others only where the source has them. */
export interface MemorySample {
  ok: true;
  bytes: number;
  rssBytes?: number;
  heapUsedBytes?: number;
  externalBytes?: number;
}
/** A reading, or a failed one with a one-line reason for the report. */
export type MemoryReading = MemorySample | { ok: false; error: string };

/** Reads the target's memory on demand; close() releases its HTTP connection. */
export interface MemorySampler {
  /** Human label, e.g. "VmRSS of pid 4242". */
  readonly label: string;
  /** What `bytes` measures, so verdicts can weigh the evidence. */
  readonly metricKind: MemoryMetricKind;
  sample(): Promise<MemoryReading>;
  close(): Promise<void>;
}

/** Broad class of the chosen metric: RSS, JS heap, external/Buffer memory, or unknown. */
export type MemoryMetricKind = 'rss' | 'heap' | 'external' | 'other';

/** Default Prometheus metric: prom-client and most exporters publish it. */
export const DEFAULT_PROM_METRIC = 'process_resident_memory_bytes';
/** A sample must finish inside one 1 s tick so samples never pile up behind a slow endpoint. */
export const DEFAULT_SAMPLE_TIMEOUT_MS = 900;
/** Refuse bodies past this size: a metrics page is kilobytes, not a stream. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** One-line problems with a memory source (empty when valid), in soakstorm's error format. */
export function validateMemorySource(src: MemorySource): string[] {
  const problems: string[] = [];
  if (src.kind === 'pid') {
    const ok = Number.isInteger(src.pid) && src.pid > 0;
    return ok ? [] : [`soakstorm: --server-pid must be a positive integer (got "${String(src.pid)}"). Pass the server's process id.`];
  }
  const url = URL.canParse(src.url) ? new URL(src.url) : undefined;
  const flag = src.kind === 'prometheus' ? '--server-metrics' : '--server-memory-url';
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.push(`soakstorm: ${flag} must be an http(s) URL (got "${src.url}"). Pass e.g. http://127.0.0.1:9090/metrics.`);
  }
  if (src.kind === 'json') {
    if (src.jsonPath.trim() === '') problems.push('soakstorm: --json-path is empty (got ""). Name the field, e.g. heap_used_mb or memory.rss.');
    if (!(src.unit in UNIT_BYTES)) problems.push(`soakstorm: --unit must be B, KB, MB or GB (got "${String(src.unit)}"). Give the unit of the JSON figure.`);
  }
  return problems;
}

/** What the chosen metric of `src` measures, judged from its name. */
export function memoryMetricKind(src: MemorySource): MemoryMetricKind {
  const name = src.kind === 'pid' ? 'rss' : src.kind === 'prometheus' ? (src.metric ?? DEFAULT_PROM_METRIC) : src.jsonPath;
  const lower = name.toLowerCase();
  if (lower.includes('heap')) return 'heap';
  if (lower.includes('external') || lower.includes('buffer')) return 'external';
  if (lower.includes('rss') || lower.includes('resident')) return 'rss';
  return 'other';
}

/** A sampler for `src`; call validateMemorySource first (invalid sources throw a TypeError here). */
export function createMemorySampler(src: MemorySource, opts: { timeoutMs?: number } = {}): MemorySampler {
  const problems = validateMemorySource(src);
  if (problems.length > 0) throw new TypeError(problems.join('\n'));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS;
  const metricKind = memoryMetricKind(src);
  if (src.kind === 'pid') {
    return { label: `VmRSS of pid ${src.pid}`, metricKind, sample: () => samplePid(src.pid), close: async () => {} };
  }
  // A private agent: one keep-alive connection to the target, closed with the sampler. undici is
  // imported on the first sample, not with this module: a run that samples no URL (most) keeps
  // ~20 MB of RSS out of the coordinator (issue 15: generator RSS at 19,500 held).
  let http: Promise<Http> | null = null;
  const httpOnce = (): Promise<Http> =>
    (http ??= import('undici').then(({ Agent, request }) => ({ agent: new Agent({ connections: 1, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }), request })));
  const get = async (): Promise<string> => httpGet(await httpOnce(), src.url, timeoutMs);
  const sample =
    src.kind === 'prometheus'
      ? async (): Promise<MemoryReading> => readingFromPrometheus(await get(), src.metric ?? DEFAULT_PROM_METRIC, src.url)
      : async (): Promise<MemoryReading> => readingFromJson(await get(), src.jsonPath, src.unit, src.url);
  const label = src.kind === 'prometheus' ? `${src.metric ?? DEFAULT_PROM_METRIC} at ${src.url}` : `${src.jsonPath} (${src.unit}) at ${src.url}`;
  return {
    label,
    metricKind,
    sample: () => sample().catch((err: unknown) => ({ ok: false as const, error: `GET ${src.url} failed: ${describeError(err)}` })),
    close: async () => {
      if (http !== null) await (await http).agent.close();
    },
  };
}

/** VmRSS of `pid` from /proc/<pid>/status (Linux only). */
export async function samplePid(pid: number): Promise<MemoryReading> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { ok: false, error: process.platform === 'linux' ? `process ${pid} not found (it exited?)` : `no /proc on ${process.platform}: --server-pid needs Linux; use --server-metrics` };
    }
    return { ok: false, error: `cannot read /proc/${pid}/status: ${code ?? describeError(err)}` };
  }
  // "VmRSS:	   51234 kB" — procfs always reports kB (= KiB), see proc(5).
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  if (m === null) return { ok: false, error: `no VmRSS in /proc/${pid}/status (a zombie or kernel thread?)` };
  const bytes = Number(m[1]) * 1024;
  return { ok: true, bytes, rssBytes: bytes };
}

/** The sampler's private agent and undici's request, loaded together on the first sample. */
interface Http {
  agent: Agent;
  request: typeof request;
}

async function httpGet({ agent, request }: Http, url: string, timeoutMs: number): Promise<string> {
  const res = await request(withoutUserinfo(url), { dispatcher: agent, signal: AbortSignal.timeout(timeoutMs), headers: basicAuthOf(url) });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`HTTP ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.body.destroy();
      throw new Error(`body larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code !== '' ? `${code}: ${err.message}` : err.message;
}

/** Sum of every series of `name` (label sets are summed, e.g. one per cluster worker); NaN/Inf kept for the check. */
function promSum(samples: PromSample[], name: string): number | undefined {
  let found = false;
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    found = true;
    sum += s.value;
  }
  return found ? sum : undefined;
}

/** A plausible byte figure of `name`, or undefined (absent or nonsense: extras are only kept when sane). */
function promValue(samples: PromSample[], name: string): number | undefined {
  const v = promSum(samples, name);
  return v !== undefined && implausibleBytes(v) === undefined ? v : undefined;
}

/** A reading from a Prometheus page: `metric` plus RSS / heap / external where published. */
export function readingFromPrometheus(text: string, metric: string, url: string): MemoryReading {
  const samples = parsePrometheusText(text);
  const bytes = promSum(samples, metric);
  const nonsense = bytes === undefined ? undefined : implausibleBytes(bytes);
  if (nonsense !== undefined) return { ok: false, error: `${metric} at ${url} rejected: ${nonsense}` };
  if (bytes === undefined) {
    const unread = new RegExp(`^${metric.replace(/[^A-Za-z0-9_:]/g, '\\$&')}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
    if (unread) return { ok: false, error: `${metric} at ${url} rejected: ${JSON.stringify(unread[1])} is not a decimal number` };
    const hints = [...new Set(samples.map((s) => s.name).filter((n) => /memory|heap|rss|bytes/.test(n)))].slice(0, 3);
    const more = hints.length > 0 ? ` (memory-like metrics there: ${hints.join(', ')})` : '';
    return { ok: false, error: `metric ${metric} not found at ${url}${more}` };
  }
  return withExtras({ ok: true, bytes }, {
    rssBytes: promValue(samples, 'process_resident_memory_bytes'),
    heapUsedBytes: promValue(samples, 'nodejs_heap_size_used_bytes'),
    externalBytes: promValue(samples, 'nodejs_external_memory_bytes'),
  });
}

/** A reading from a JSON document: `jsonPath` × unit, plus rss/heap/external fields if present. */
export function readingFromJson(text: string, jsonPath: string, unit: MemoryUnit, url: string): MemoryReading {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: `${url} did not return JSON` };
  }
  const raw = resolvePath(doc, jsonPath);
  const read = jsonNumber(raw);
  if (read === undefined) return { ok: false, error: `no number at ${jsonPath} in the JSON from ${url}` };
  if ('error' in read) return { ok: false, error: `${jsonPath} at ${url} rejected: ${read.error}` };
  const v = read.n;
  const nonsense = implausibleBytes(v * UNIT_BYTES[unit], raw);
  if (nonsense !== undefined) return { ok: false, error: `${jsonPath} at ${url} rejected: ${nonsense}` };
  const top = (key: string, scale: number): number | undefined => {
    const n = toNumber(resolvePath(doc, key));
    return n === undefined ? undefined : n * scale;
  };
  const MB = UNIT_BYTES.MB;
  // /debug/memory style (*_mb) first, then process.memoryUsage() field names (bytes).
  return withExtras({ ok: true, bytes: v * UNIT_BYTES[unit] }, {
    rssBytes: top('rss_mb', MB) ?? top('rss', 1),
    heapUsedBytes: top('heap_used_mb', MB) ?? top('heapUsed', 1),
    externalBytes: top('external_mb', MB) ?? top('external', 1),
  });
}

/** Follows "a.b.c", "a[0].b" or "$.a.b" into `doc`. */
export function resolvePath(doc: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '');
  let cur: unknown = doc;
  for (const p of parts) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function toNumber(v: unknown): number | undefined {
  const read = jsonNumber(v);
  return read !== undefined && 'n' in read && implausibleBytes(read.n) === undefined ? read.n : undefined;
}

function withExtras(r: MemorySample, extras: Omit<MemorySample, 'ok' | 'bytes'>): MemorySample {
  return Object.assign(r, Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined)));
}

/** undici drops user:password@ from a URL without a word: it is sent as Basic auth instead. */
function basicAuthOf(url: string): Record<string, string> {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return {};
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

function withoutUserinfo(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}
