// When a run opened no connection: decide to stop early, and say in ONE line what the server
// answered and what to do. That line becomes summary.stopReason (status 'unreachable', exit 3).
import { tlsFailureOf } from '../metrics/tls-failure.js';
import { COUNTER, ERROR_CODES, PROFILES, errorIndex } from '../protocol.js';
import type { ProfileMetrics } from '../metrics/result.js';
import { sumScalar } from './merge.js';
import type { RunOptions } from './plan.js';

/** Network failures with no open connection after which the target counts as unreachable. */
const UNREACHABLE_AFTER_FAILURES = 5;
/** Handshake rejections are retried; this many per client with nothing opened ends the run early. */
const REJECTED_ROUNDS = 3;
const HANDSHAKE_ERROR_SLOT = ERROR_CODES.indexOf('UNEXPECTED_RESPONSE');

const ERROR_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  HANDSHAKE_TIMEOUT: 'opening handshake timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host name not found',
  ECONNRESET: 'connection reset',
  EADDRNOTAVAIL: 'no free local address or port',
};

/** What to do about each handshake answer. */
function statusHint(status: string): string {
  if (status === '401' || status === '403') return 'check the credentials, token or Origin the clients send (--header)';
  if (status === '404') return 'check the URL path';
  if (/^3|other3xx/.test(status)) return 'the server redirects: use the final URL';
  if (status === '200' || status === '204' || status === 'other2xx') return 'the URL serves an ordinary HTTP response, not a WebSocket or stream endpoint: check the path';
  if (/^5|other5xx/.test(status)) return 'the server failed the handshake: check its logs';
  return 'check the URL and the server';
}

/** True while nothing opened and failures show the target refuses us (checked every tick). */
export function unreachableNow(counters: Float64Array, clients: number): boolean {
  if (sumScalar(counters, COUNTER.CONN_OPENED) > 0) return false;
  let network = 0;
  for (let p = 0; p < PROFILES.length; p++)
    for (let e = 0; e < ERROR_CODES.length; e++) if (e !== HANDSHAKE_ERROR_SLOT) network += counters[errorIndex(p, e)]!;
  // Every client rejected REJECTED_ROUNDS times (its give-up rule has had its say): stop early. Fewer
  // tries per client run to the end and are judged there (exit 3 all the same).
  return network >= Math.min(clients, UNREACHABLE_AFTER_FAILURES) || sumScalar(counters, COUNTER.CONN_FAILED) >= REJECTED_ROUNDS * clients;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** One line: what the server answered when no connection ever opened, and the fix. */
export function describeNothingOpened(totals: ProfileMetrics, options: Pick<RunOptions, 'url' | 'connectTimeoutMs' | 'durationMs'>, samples: readonly { kind: string; text: string }[] = []): string {
  const target = options.url;
  // A TLS failure has its own cause and fix: the target is up, the certificate (or a plain port) is the problem.
  const tls = tlsFailureOf(samples);
  if (tls !== null) return `cannot connect to ${target}: ${tls}.`;
  const rejected = Object.entries(totals.statuses).filter(([s]) => s !== '101').sort((a, b) => b[1] - a[1]);
  if (rejected.length > 0) {
    const answers = rejected.map(([s, n]) => `HTTP ${s} (${n}×)`).join(', ');
    return `${target} answered every handshake with ${answers}; no connection was opened: ${statusHint(rejected[0]![0])}.`;
  }
  const errors = Object.entries(totals.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length > 0) {
    const [code] = errors[0]!;
    const words = ERROR_WORDS[code] ?? `failed (${code})`;
    return `cannot reach ${target}: ${words}${ERROR_WORDS[code] ? ` (${code})` : ''}. Start the target or run "soakstorm lab".`;
  }
  const attempted = totals.counters.conn_attempted;
  if (attempted > 0) {
    const longer = options.connectTimeoutMs >= options.durationMs ? ` (--connect-timeout ${seconds(options.connectTimeoutMs)} is not shorter than --duration ${seconds(options.durationMs)})` : '';
    return `${target} never answered the opening handshake: ${attempted} connection attempts were still waiting when the run ended${longer}. Check the server accepts WebSocket/stream requests on this port, or lower --connect-timeout.`;
  }
  return `no connection to ${target} was attempted before the run ended. Lengthen --duration or shorten --ramp-up.`;
}
