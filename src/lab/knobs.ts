// The lab's command-line knobs: flag, value syntax, help text, default shown in --help, and the
// parser from flag text to a LabOptions value. One table, so help, parsing and docs never disagree.
import {
  DEFAULT_LAB_OPTIONS,
  LabOptionError,
  parseCloseCodeMix,
  type CloseCodeWeight,
  type LabOptions,
} from './options.js';
import { parseBytes as parseSize, parseDurationMs as parseDuration, showBytes, showDuration } from '../units.js';

type KnobKey = Exclude<keyof LabOptions, 'host' | 'port' | 'crashMode' | 'tickMs'>;
type Parse = (text: string, flag: string) => LabOptions[KnobKey];

/** One lab flag. */
export interface LabKnob {
  key: KnobKey;
  flag: string;
  arg: string;
  help: string;
  parse: Parse;
  /** Renders the default value the way a user would type it. */
  show: (value: never) => string;
}

function bad(flag: string, rule: string, text: string, example: string): never {
  throw new LabOptionError(`${flag} must be ${rule} (got "${text}"). Pass for example ${flag} ${example}.`);
}

/** A duration with a unit (`500ms`, `1.5s`, `5m`, `1h`, or `0`), shared with `run` (src/units.ts). */
export function parseDurationMs(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new LabOptionError(`${flag} ${(err as Error).message}.`);
  }
}

/** A size (`4096`, `64k`, `64KB`, `1MiB`; 1024-based), shared with `run` (src/units.ts). */
export function parseBytes(text: string, flag: string): number {
  try {
    return parseSize(text);
  } catch (err) {
    throw new LabOptionError(`${flag} ${(err as Error).message}.`);
  }
}

/** Parses a fraction `0.05` or a percentage `5%`. */
export function parseFraction(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(text);
  if (m === null) bad(flag, 'a fraction from 0 to 1 or a percentage', text, '0.01');
  return Number(m[1]) / (m[2] === '%' ? 100 : 1);
}

function parseNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) bad(flag, 'a number', text, '10');
  return value;
}

function choice<T extends string | number>(values: readonly T[]): Parse {
  return (text, flag) => {
    const found = values.find((v) => String(v) === text.trim());
    if (found === undefined) bad(flag, `one of ${values.join(', ')}`, text, String(values[0]));
    return found as LabOptions[KnobKey];
  };
}

const showMs = showDuration;
const showPlain = (v: unknown): string => String(v);
const showMix = (mix: readonly CloseCodeWeight[]): string =>
  mix.map((e) => (e.weight === 1 ? String(e.code) : `${e.code}:${e.weight}`)).join(',');

/** Every lab knob flag, in --help order. */
export const LAB_KNOBS: readonly LabKnob[] = [
  { key: 'seed', flag: '--seed', arg: 'n', help: 'seed for every random choice (drops, rejections, close codes)', parse: parseNumber, show: showPlain },
  { key: 'leakBytesPerConnection', flag: '--leak-per-connection', arg: 'bytes', help: 'bytes retained forever per accepted connection, even after it closes', parse: parseBytes, show: showBytes },
  { key: 'leakBytesPerMessage', flag: '--leak-per-message', arg: 'bytes', help: 'bytes retained forever per message echoed or pushed', parse: parseBytes, show: showBytes },
  { key: 'leakKind', flag: '--leak-kind', arg: 'kind', help: 'where leaked bytes live: external (Buffers) or heap (JS arrays)', parse: choice(['external', 'heap']), show: showPlain },
  { key: 'slowPolicy', flag: '--slow-policy', arg: 'policy', help: 'a consumer past --max-buffered of backlog: buffer (queue without bound), drop (shed pushes) or disconnect', parse: choice(['buffer', 'drop', 'disconnect']), show: showPlain },
  { key: 'maxBufferedBytes', flag: '--max-buffered', arg: 'bytes', help: 'unsent bytes queued in the lab for one connection before --slow-policy acts', parse: parseBytes, show: showBytes },
  { key: 'slowCloseCode', flag: '--slow-close-code', arg: 'code', help: 'close code for --slow-policy disconnect: 1008 or 1013 (streams are reset)', parse: (t, f) => Number(choice(['1008', '1013'])(t, f)) as LabOptions[KnobKey], show: showPlain },
  { key: 'ageCutMs', flag: '--age-cut', arg: 'duration', help: 'destroy every connection at this age with no close frame, even while heartbeats flow (0 = off)', parse: parseDurationMs, show: showMs },
  { key: 'idleTimeoutMs', flag: '--idle-timeout', arg: 'duration', help: 'destroy a connection this long after the last byte sent to it, no close frame and no ping first, like a proxy idle timer (0 = off)', parse: parseDurationMs, show: showMs },
  { key: 'heartbeatMs', flag: '--heartbeat', arg: 'duration', help: 'WebSocket ping and SSE ": hb" interval; a ping unanswered by the next one terminates (0 = none)', parse: parseDurationMs, show: showMs },
  { key: 'dropRate', flag: '--drop-rate', arg: 'fraction', help: 'fraction of echoes and pushes silently dropped, seq still advancing (0.01 or 1%)', parse: parseFraction, show: showPlain },
  { key: 'crashAfterMs', flag: '--crash-after', arg: 'duration', help: 'crash this long after start: the process exits, or with --restart-after all sockets die and it listens again (0 = never)', parse: parseDurationMs, show: showMs },
  { key: 'restartAfterMs', flag: '--restart-after', arg: 'duration', help: 'after a crash, listen again on the same port this much later, then crash again after --crash-after (0 = stay down)', parse: parseDurationMs, show: showMs },
  { key: 'rejectRate', flag: '--reject-rate', arg: 'fraction', help: 'fraction of WebSocket upgrades and stream requests refused with --reject-status', parse: parseFraction, show: showPlain },
  { key: 'rejectStatus', flag: '--reject-status', arg: 'status', help: 'HTTP status of refused handshakes: 401, 403, 426 or 503', parse: (t, f) => Number(choice(['401', '403', '426', '503'])(t, f)) as LabOptions[KnobKey], show: showPlain },
  { key: 'maxConnections', flag: '--max-connections', arg: 'n', help: 'open connections past which new ones get HTTP 503 (0 = unlimited)', parse: parseNumber, show: showPlain },
  { key: 'closeAfterMs', flag: '--close-after', arg: 'duration', help: 'server closes each connection at a seeded age in [T/2, 3T/2] with a code from --close-codes (0 = off)', parse: parseDurationMs, show: showMs },
  { key: 'closeCodes', flag: '--close-codes', arg: 'mix', help: 'weighted close codes for --close-after, e.g. 1000:60,1001:30,1011:10', parse: (t) => parseCloseCodeMix(t), show: showMix },
  { key: 'burstMs', flag: '--burst', arg: 'duration', help: 'streams hold events and flush them together every this long, like a buffering proxy (0 = off)', parse: parseDurationMs, show: showMs },
  { key: 'pushRate', flag: '--push-rate', arg: 'msgs/s', help: 'push rate of streams whose URL has no rate=', parse: parseNumber, show: showPlain },
  { key: 'pushBytes', flag: '--push-size', arg: 'bytes', help: 'push message size of streams whose URL has no size=', parse: parseBytes, show: showBytes },
  { key: 'cpuMicrosPerConnection', flag: '--cpu-per-connection', arg: 'µs', help: 'CPU spent per echoed message for each open connection, e.g. 0.5 (latency rises with load: a capacity knee; 0 = off)', parse: parseNumber, show: showPlain },
  { key: 'sseRetryMs', flag: '--sse-retry', arg: 'duration', help: 'SSE "retry:" hint sent at stream start (0 = none)', parse: parseDurationMs, show: showMs },
];

/** The default of a knob as --help shows it. */
export function knobDefault(knob: LabKnob): string {
  return knob.show(DEFAULT_LAB_OPTIONS[knob.key] as never);
}
