// Verdict "reconnect-loop": clients that gave up after the same deterministic failure repeated
// (401/403/404/426 handshakes, 1008/4xxx closes), as opposed to transient failures that recovered.
import type { Verdict } from '../result.js';
import { count, fmtPct, verdict } from './format.js';
import type { VerdictInput } from './input.js';

/** Handshake statuses and close codes that fail the same way on every retry (workers/reconnect.ts). */
const DETERMINISTIC_STATUSES = ['400', '401', '403', '404', '426'];
const DETERMINISTIC_CLOSES = ['1003', '1007', '1008', '4xxx'];
const TRANSIENT_STATUSES = ['429', '500', '502', '503', '504'];
const TRANSIENT_CLOSES = ['1006', '1011', '1012', '1013'];

/** What to check for each deterministic cause, so the summary says where to look. */
const HINTS: Record<string, string> = {
  '400': 'the server rejects the handshake request itself',
  '401': 'check the credentials or token the clients send',
  '403': 'check permissions, the Origin header or an allow-list',
  '404': 'check the URL path',
  '426': 'the server wants another protocol or version',
  '1003': 'the server refuses the data type the clients send',
  '1007': 'the server rejects the payload encoding',
  '1008': 'the server closes clients by policy (auth or rate rules)',
  '4xxx': 'an application close code: see the server\'s protocol',
  'content-type': 'the URL does not serve an event stream (wrong path, or an error page)',
};

/** Giveup causes from 'reconnect-giveup' events, e.g. "handshake status 401 x5" → { '401': {clients, tries} }. */
export function giveupCauses(input: VerdictInput): Map<string, { what: string; clients: number; tries: number }> {
  const out = new Map<string, { what: string; clients: number; tries: number }>();
  for (const e of input.summary.events) {
    if (e.kind !== 'reconnect-giveup') continue;
    // ws-driver / stream-client write "<what> x<tries>", what = "handshake status 401",
    // "close code 1008" or "response content-type text/html".
    const t = /^(.*?)\s+x(\d+)$/.exec(e.detail);
    const what = t !== null ? t[1]! : e.detail;
    const m = /^(handshake status|close code)\s+(\S+)$/.exec(what);
    const code = m === null ? (what.startsWith('response content-type') ? 'content-type' : what) : m[1] === 'close code' && /^4\d{3}$/.test(m[2]!) ? '4xxx' : m[2]!;
    const cur = out.get(code) ?? { what, clients: 0, tries: 0 };
    cur.clients++;
    cur.tries = Math.max(cur.tries, t !== null ? Number(t[2]) : 0);
    out.set(code, cur);
  }
  return out;
}

const sumKeys = (rec: Record<string, number>, keys: readonly string[]): number => keys.reduce((s, k) => s + (rec[k] ?? 0), 0);
const sumCloses = (input: VerdictInput, codes: readonly string[]): number =>
  input.summary.totals.closeCodes.filter((c) => c.by !== 'client' && codes.includes(c.code)).reduce((s, c) => s + c.count, 0);

/** Reconnect-loop verdict: fail when clients gave up after identical deterministic failures. */
export function reconnectLoopVerdict(input: VerdictInput): Verdict {
  const t = input.summary.totals;
  const giveups = t.counters.reconnect_giveups;
  const causes = giveupCauses(input);
  const deterministic = sumKeys(t.statuses, DETERMINISTIC_STATUSES) + sumCloses(input, DETERMINISTIC_CLOSES);
  const transient = sumKeys(t.statuses, TRANSIENT_STATUSES) + sumCloses(input, TRANSIENT_CLOSES);
  const ev: Verdict['evidence'] = {
    reconnectGiveups: giveups,
    deterministicFailures: deterministic,
    transientFailures: transient,
    reconnects: t.counters.reconnects,
  };
  for (const [code, c] of causes) ev[`giveupClients_${code}`] = c.clients;
  if (giveups > 0 || causes.size > 0) {
    const top = [...causes.entries()].sort((a, b) => b[1].clients - a[1].clients)[0];
    const n = Math.max(giveups, [...causes.values()].reduce((s, c) => s + c.clients, 0));
    if (top === undefined) {
      return verdict('reconnect-loop', 'fail', `${n} ${n === 1 ? 'client' : 'clients'} stopped reconnecting after the same deterministic failure repeated`, ev);
    }
    const [code, c] = top;
    const tries = c.tries > 0 ? ` ${c.tries} times in a row` : ' repeatedly';
    const others = causes.size > 1 ? ` (and ${causes.size - 1} other cause${causes.size > 2 ? 's' : ''})` : '';
    const hint = HINTS[code] !== undefined ? `: ${HINTS[code]}` : '';
    ev['topCause'] = c.what;
    return verdict('reconnect-loop', 'fail', `${n} ${n === 1 ? 'client' : 'clients'} gave up after ${c.what}${tries}${others}; retrying will not fix it${hint}`, ev);
  }
  if (deterministic > 0 && t.counters.reconnects === 0) {
    return verdict('reconnect-loop', 'inconclusive', `${count(deterministic, 'deterministic failure')} (e.g. 401/403/1008) but no client reconnected, so a loop could not show`, ev);
  }
  if (deterministic > 0) {
    const attempted = t.counters.conn_attempted;
    const share = attempted > 0 ? deterministic / attempted : 0;
    ev['deterministicShareOfAttempts'] = share;
    const caveats = share >= 0.05 ? [`${fmtPct(share)} of ${attempted} connection attempts were refused that way: not a loop, but worth a look`] : [];
    return verdict('reconnect-loop', 'pass', `${count(deterministic, 'deterministic failure')}, but every client got through before giving up: no loop`, ev, caveats);
  }
  const retried = t.counters.reconnects > 0 ? ' were retried' : ' occurred';
  const recovered = transient > 0 ? `; ${transient} transient failures (503, 1006, 1011, …)${retried}` : '';
  return verdict('reconnect-loop', 'pass', `no client repeated a deterministic failure${recovered}`, ev);
}
