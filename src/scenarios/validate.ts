// Checks a loaded scenario's shape before any connection: unknown fields, wrong types, bad
// durations. Every problem becomes one ScenarioError naming the file, the line where the field
// is written (found in the source text) and the field, with what to do.
import type { Scenario } from './define.js';

/** A scenario the user must fix; the CLI prints `message` as its one line and exits 2. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    problem: string,
  ) {
    super(`scenario ${file}${line > 0 ? `:${line}` : ''}${field !== '' ? ` field "${field}"` : ''}: ${problem}`);
    this.name = 'ScenarioError';
  }
}

type Check = (v: unknown) => string | null;
const fn: Check = (v) => (typeof v === 'function' ? null : 'must be a function');
const str: Check = (v) => (typeof v === 'string' && v !== '' ? null : 'must be a non-empty string');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const strList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'must be an array of strings');
const strRecord: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string') ? null : 'must be an object of string values';
const strRecordOrFn: Check = (v) => (typeof v === 'function' ? null : strRecord(v));
const fieldSpec: Check = (v) => (typeof v === 'function' || (typeof v === 'string' && v !== '') ? null : 'must be a JSON path string ("data.seq") or a function of the message');
const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    xs.includes(v as string) ? null : `must be one of ${xs.map((x) => `"${x}"`).join(', ')}`;
const scalar: Check = (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? null : 'must be a string, number or boolean');

/** Nested shapes: field -> check, or a sub-table. */
interface Shape {
  [field: string]: Check | { shape: Shape; required?: string[] };
}

/** Run option keys a scenario may set (cli/options.ts keys); kept here so scenarios/ does not import cli/. */
export const SCENARIO_OPTION_KEYS = [
  'clients', 'duration', 'rampUp', 'workers', 'rate', 'payload', 'mix', 'rtt', 'seed', 'timeout', 'connectTimeout', 'drain',
  'sessionLength', 'reconnect', 'reconnectBase', 'reconnectCap', 'reconnectMaxTries', 'slowReadRate', 'pushRate', 'pushSize',
  'awake', 'asleep', 'sleepJitter', 'vanish', 'stormAt', 'stormEvery', 'stormBudget', 'serverHeartbeat', 'failOn', 'idleSendEvery',
] as const;

const SHAPE: Shape = {
  description: str,
  url: str,
  headers: strRecordOrFn,
  subprotocols: strList,
  origin: str,
  cookies: strRecordOrFn,
  perMessageDeflate: bool,
  tls: { shape: { insecure: bool, ca: str, servername: str } },
  data: str,
  format: oneOf('json', 'text'),
  onOpen: fn,
  handshake: { shape: { expect: fn, reject: fn, timeout: (v) => (durationMs(v) >= 0 ? null : 'must be a duration such as "5s" or a number of ms') }, required: ['expect'] },
  request: { shape: { build: fn, replyId: fn }, required: ['build', 'replyId'] },
  push: { shape: { seq: fieldSpec, ts: fieldSpec, topic: fieldSpec } },
  heartbeat: { shape: { match: fn, reply: fn }, required: ['match'] },
  options: { shape: Object.fromEntries(SCENARIO_OPTION_KEYS.map((k) => [k, k === 'mix' ? (v: unknown) => (typeof v === 'object' && v !== null ? null : scalar(v)) : scalar])) },
  thresholds: strList,
};

/** "5s", "250ms", "1m" or a number of ms → ms; -1 when it is none of these. */
export function durationMs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : -1;
  if (typeof v !== 'string') return -1;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(v);
  if (m === null) return -1;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

/** Line (1-based) where `field` is first written as a key in `source`, or 0. */
export function lineOf(source: string, field: string): number {
  const re = new RegExp(`(^|[\\s{,])['"]?${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*[:(]`, 'm');
  const m = re.exec(source);
  if (m === null) return 0;
  return source.slice(0, m.index + m[1]!.length).split('\n').length;
}

/** Throws the first problem of `value` as a ScenarioError; returns it typed when its shape is right. */
export function validateScenario(value: unknown, file: string, source: string): Scenario {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScenarioError(file, 0, 'default', `the default export is ${value === undefined ? 'missing' : Array.isArray(value) ? 'an array' : typeof value}. Export a scenario: export default defineScenario({ ... })`);
  }
  check(value as Record<string, unknown>, SHAPE, '', [], file, source);
  return value as Scenario;
}

function check(obj: Record<string, unknown>, shape: Shape, prefix: string, required: string[], file: string, source: string): void {
  for (const r of required) {
    if (obj[r] === undefined) throw new ScenarioError(file, lineOf(source, prefix.split('.').at(-2) ?? ''), `${prefix}${r}`, `is required. Add ${r}: ...`);
  }
  for (const [key, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const path = `${prefix}${key}`;
    const rule = shape[key];
    if (rule === undefined) {
      const known = Object.keys(shape).join(', ');
      throw new ScenarioError(file, lineOf(source, key), path, `unknown option. Known here: ${known}`);
    }
    if (typeof rule === 'function') {
      const problem = rule(v);
      if (problem !== null) throw new ScenarioError(file, lineOf(source, key), path, `${problem} (got ${describe(v)})`);
      continue;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError(file, lineOf(source, key), path, `must be an object (got ${describe(v)})`);
    check(v as Record<string, unknown>, rule.shape, `${path}.`, rule.required ?? [], file, source);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`;
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' || typeof v === 'function' ? typeof v : String(v);
}
