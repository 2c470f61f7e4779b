// Verdict evidence in words and units for people: `retainedBytesPerClosedConnection 16210` reads
// "retained after the clients left: 15.8 KB per closed connection". One module, used by the
// terminal, HTML, Markdown and JUnit reporters; summary.json keeps the raw keys and numbers.
// The unit comes from the key's suffix (Bytes, BytesPerMin, Ms, Fraction, Share, Pct, PerMin, P,
// R2), so a verdict that adds a key gets a sensible label without touching this file; the table
// below only gives better words to keys whose split camelCase reads badly.
import { fmtBytes, fmtCount, fmtMs, fmtPct } from './html/format.js';

export type EvidenceUnit = 'bytes' | 'bytes-per-min' | 'ms' | 'fraction' | 'pct' | 'per-min' | 'p' | 'r2' | 'plain';

export interface EvidenceRow {
  /** The raw key, as in summary.json. */
  key: string;
  /** Words for the key. */
  label: string;
  /** The value with its unit ("15.8 KB per closed connection", "1.25 s", "71.0%"). */
  value: string;
}

interface Known {
  label: string;
  /** Overrides the unit the suffix implies (for keys whose suffix says nothing). */
  unit?: EvidenceUnit;
  /** Overrides the "per …" the suffix implies. */
  per?: string;
}

const KNOWN: Record<string, Known> = {
  slopeBytesPerMin: { label: 'memory floor slope' },
  slopeLowerBytesPerMin: { label: 'slope, lower 95% bound' },
  slopeUpperBytesPerMin: { label: 'slope, upper 95% bound' },
  budgetBytesPerMin: { label: 'growth budget' },
  mannKendallP: { label: 'Mann–Kendall trend test' },
  varianceInflation: { label: 'variance inflation for autocorrelation' },
  floorMethod: { label: 'memory floor taken from' },
  trendSeries: { label: 'memory series analysed' },
  metric: { label: 'memory metric' },
  baselineBytes: { label: 'baseline before load' },
  loadFloorBytes: { label: 'floor under load (p10)' },
  cooldownBytes: { label: 'after the cooldown' },
  retainedBytes: { label: 'held after the clients left' },
  retainedFraction: { label: 'share of what load added still held' },
  retainedBytesPerClosedConnection: { label: 'held after the clients left' },
  retainedBytesPerConn: { label: 'held after the clients left', per: 'connection' },
  bytesPerConnectionRampUp: { label: 'memory during ramp-up', unit: 'bytes', per: 'connection' },
  rampUpFitR2: { label: 'fit of that line' },
  trendFail: { label: 'trend says leak' },
  retentionFail: { label: 'retention says leak' },
  rssOnlyGrowth: { label: 'only RSS grows' },
  bytesExpected: { label: 'owed to slow clients' },
  bytesReceived: { label: 'read by slow clients' },
  backlogFraction: { label: 'backlog, share of what was owed' },
  backlogBytesPerMin: { label: 'backlog growth' },
  drainedBytes: { label: 'drained at the end' },
  drainedBytesPerSlowClient: { label: 'drained at the end' },
  runMs: { label: 'run length' },
  asleepMs: { label: 'time asleep' },
  budgetMs: { label: 'recovery budget' },
  memoryShareOfBacklog: { label: 'memory growth as a share of backlog growth' },
  rttP99ControlMs: { label: 'RTT p99, early steady state (control)' },
  rttP99LateMs: { label: 'RTT p99, late steady state' },
  eventLoopP99MaxMs: { label: 'worst event-loop p99' },
  worstTickEventLoopP99Ms: { label: 'worst tick event-loop p99' },
  ticksOverBoundFraction: { label: 'share of ticks over the bound' },
  cutAgeMs: { label: 'connections cut at age' },
  clusterAgeMs: { label: 'connections cut at age' },
  clusteredFraction: { label: 'share of server-ended connections at that age' },
  share: { label: 'share', unit: 'fraction' },
  spreadPct: { label: 'spread' },
  reapP50Ms: { label: 'silence before the server closed, p50' },
  reapP90Ms: { label: 'silence before the server closed, p90' },
  reapMaxMs: { label: 'silence before the server closed, max' },
  deterministicShareOfAttempts: { label: 'deterministic failures per attempt', unit: 'fraction' },
  recoverMs: { label: 'time to recover' },
  lowestDipFraction: { label: 'lowest dip (share still open)' },
};

const WORDS: Record<string, string> = { rtt: 'RTT', rss: 'RSS', cpu: 'CPU', seq: 'seq', conn: 'connection', conns: 'connections', p999: 'p99.9' };

/** "retainedBytesPerClosedConnection" → ["retained", "Bytes", "Per", "Closed", "Connection"]. */
function tokens(key: string): string[] {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .filter((t) => t !== '');
}

function words(ts: string[]): string {
  return ts.map((t) => WORDS[t.toLowerCase()] ?? (/^\d+$|^[A-Z]{2,}/.test(t) ? t : t.toLowerCase())).join(' ');
}

/** The unit, the "per …" tail and the label words a key implies by its suffix. */
export function unitOf(key: string): { unit: EvidenceUnit; per: string; label: string } {
  const ts = tokens(key);
  const last = ts.at(-1) ?? '';
  const bytesAt = ts.indexOf('Bytes') >= 0 ? ts.indexOf('Bytes') : ts[0] === 'bytes' ? 0 : -1;
  if (bytesAt >= 0) {
    const before = ts.slice(0, bytesAt);
    const after = ts.slice(bytesAt + 1);
    if (after.join(' ') === 'Per Min') return { unit: 'bytes-per-min', per: '', label: words(before) };
    if (after[0] === 'Per') return { unit: 'bytes', per: words(after.slice(1)), label: words(before) };
    return { unit: 'bytes', per: '', label: words(before.length > 0 ? [...before, ...after] : after) };
  }
  const rest = ts.slice(0, -1);
  if (last === 'Ms') return { unit: 'ms', per: '', label: words(rest) };
  if (last === 'Fraction' || last === 'Share') return { unit: 'fraction', per: '', label: words(rest) };
  if (last === 'Pct') return { unit: 'pct', per: '', label: words(rest) };
  if (last === 'Min' && ts.at(-2) === 'Per') return { unit: 'per-min', per: '', label: words(ts.slice(0, -2)) };
  if (last === 'P' && rest.length > 0) return { unit: 'p', per: '', label: words(rest) };
  if (last === 'R2') return { unit: 'r2', per: '', label: words(rest) };
  // giveupClients_401, failedStatus_503: a count per code; the code goes in brackets.
  const code = /^(.*)_(\w+)$/.exec(key);
  if (code) return { unit: 'plain', per: '', label: `${words(tokens(code[1]!))} (${code[2]})` };
  return { unit: 'plain', per: '', label: words(ts) };
}

function plainNumber(n: number): string {
  return Number.isInteger(n) ? fmtCount(n) : String(Number(n.toPrecision(3)));
}

/** One value in its unit; null (NaN in JSON) reads "not measured". */
export function formatEvidenceValue(unit: EvidenceUnit, value: number | string | boolean | null, per = '', signed = false): string {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return 'not measured';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  const tail = per !== '' ? ` per ${per}` : '';
  switch (unit) {
    case 'bytes':
      return `${fmtBytes(value)}${tail}`;
    case 'bytes-per-min':
      return `${signed && value > 0 ? '+' : ''}${fmtBytes(value)}/min`;
    case 'ms':
      return fmtMs(value);
    case 'fraction':
      return fmtPct(value);
    case 'pct':
      return `${plainNumber(value)}%`;
    case 'per-min':
      return `${plainNumber(value)}/min`;
    case 'p':
      return value < 0.001 ? 'p < 0.001' : `p = ${value.toFixed(value < 0.01 ? 3 : 2)}`;
    case 'r2':
      return `R² = ${value.toFixed(2)}`;
    default:
      return `${plainNumber(value)}${tail}`;
  }
}

/** One evidence entry in words. */
export function describeEvidence(key: string, value: number | string | boolean | null): EvidenceRow {
  const implied = unitOf(key);
  const known = KNOWN[key];
  const unit = known?.unit ?? implied.unit;
  const per = known?.per ?? implied.per;
  const label = known?.label ?? (implied.label !== '' ? implied.label : key);
  // Slopes are changes: "+1.8 MB/min"; a budget or a backlog rate is a size per minute.
  return { key, label, value: formatEvidenceValue(unit, value, per, /slope/i.test(key)) };
}

/** Every evidence entry of a verdict in words, in the verdict's own order. */
export function evidenceRows(evidence: Record<string, number | string | boolean | null>): EvidenceRow[] {
  return Object.entries(evidence).map(([k, v]) => describeEvidence(k, v));
}

/** "label value · label value" for one-line places (terminal, Markdown, JUnit). */
export function evidenceLine(evidence: Record<string, number | string | boolean | null>): string {
  return evidenceRows(evidence)
    .map((r) => `${r.label}: ${r.value}`)
    .join(' · ');
}
