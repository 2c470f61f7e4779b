// The one judge of a run: exit code, outcome word and reasons, all from summary.json alone.
// The CLI's exit code, summary.status wording, the terminal verdict line, summary.md, the
// report.html banner and junit.xml all call judgeRun, so they can never disagree. Pure; every
// layer may import it (it only reads types from metrics/result.ts).
import type { RunSummary, Verdict } from './metrics/result.js';

// Every exit code soakstorm can end with. CI scripts depend on these numbers: never renumber.
// Modelled on k6 errext/exitcodes (99 for failed thresholds, so CI habits carry over).
export const EXIT = {
  /** The run finished and nothing gated failed (findings in ungated verdicts still exit 0). */
  OK: 0,
  /** soakstorm itself failed (a bug, or a worker died): the message says where the crash log is. */
  INTERNAL: 1,
  /** Bad usage, option, threshold or config file, or unreadable results: nothing was run. */
  USAGE: 2,
  /** The run measured nothing: the target never accepted a connection (refused, timed out, or answered every handshake with an error). */
  UNREACHABLE: 3,
  /** A shard woke past --start-at + --start-grace and refused to run out of step (nothing was run). */
  START_MISSED: 95,
  /** The load generator was saturated: latency figures are untrustworthy. */
  SATURATED: 97,
  /** A verdict named in --fail-on failed. */
  VERDICT: 98,
  /** One or more thresholds failed (or had no data). */
  THRESHOLDS: 99,
  /** Interrupted by SIGHUP (terminal closed) after partial results were written. */
  SIGHUP: 129,
  /** Interrupted by SIGINT after partial results were written. */
  SIGINT: 130,
  /** Interrupted by SIGTERM after partial results were written. */
  SIGTERM: 143,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The signals a run stops gracefully on; each ends with its own exit code (128 + signal number). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const SIGNAL_EXIT: Record<StopSignal, ExitCode> = { SIGINT: EXIT.SIGINT, SIGTERM: EXIT.SIGTERM, SIGHUP: EXIT.SIGHUP };

/** What a run amounts to, in the words every report uses. */
export type Outcome = 'passed' | 'passed-with-findings' | 'failed' | 'interrupted';

export const OUTCOME_WORDS: Record<Outcome, string> = {
  passed: 'PASSED',
  'passed-with-findings': 'PASSED WITH FINDINGS',
  failed: 'FAILED',
  interrupted: 'INTERRUPTED',
};

/** The judgement of one run. */
export interface Judgement {
  exitCode: ExitCode;
  outcome: Outcome;
  /** Why, most serious first; empty for a clean pass. */
  reasons: string[];
  /** Failed verdicts not gated by --fail-on (they make 'passed-with-findings'). */
  findings: string[];
}

/** The --fail-on list as summary.settings holds it ('all'/'any' gate every verdict). */
export function failOnList(settings: Record<string, unknown>): string[] {
  const v = settings['failOn'];
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

/** True when the run opened no connection at all: nothing it reports was measured on the target. */
export function measuredNothing(summary: RunSummary): boolean {
  return summary.totals.counters.conn_opened === 0;
}

function gated(v: Verdict, failOn: string[]): boolean {
  return failOn.includes(v.id) || failOn.includes('all') || failOn.includes('any');
}

/**
 * Exit code precedence: 3 (measured nothing) > 130/143/129 (signal) > 1 (worker died / internal)
 * > 97 (saturated) > 98 (gated verdict) > 99 (thresholds) > 0. Every reason is listed, in that order.
 */
export function judgeRun(summary: RunSummary): Judgement {
  const interrupted = summary.status === 'interrupted';
  const signal = summary.signal ?? (interrupted ? signalFromReason(summary.stopReason) : undefined);
  const failOn = failOnList(summary.settings);
  const codes: [ExitCode, string][] = [];
  if (summary.status === 'unreachable' || (measuredNothing(summary) && !interrupted)) {
    codes.push([EXIT.UNREACHABLE, summary.status === 'unreachable' ? `no connection opened: ${summary.stopReason}` : 'no connection was ever opened: the run measured nothing']);
  }
  if (interrupted) codes.push([signal ? SIGNAL_EXIT[signal] : EXIT.SIGINT, `run interrupted: ${summary.stopReason}`]);
  if (summary.status === 'aborted' && !summary.stopReason.startsWith('threshold failed')) codes.push([EXIT.INTERNAL, `run aborted: ${summary.stopReason}`]);
  const gen = summary.verdicts.find((v) => v.id === 'generator-saturated');
  if (summary.generator.saturated || gen?.status === 'fail') codes.push([EXIT.SATURATED, saturationText(summary.generator.reason || gen?.summary || 'latency figures are untrustworthy')]);
  const failedVerdicts = summary.verdicts.filter((v) => v.status === 'fail' && v.id !== 'generator-saturated');
  const gatedFails = failedVerdicts.filter((v) => gated(v, failOn));
  if (gatedFails.length > 0) codes.push([EXIT.VERDICT, `gated verdicts failed: ${gatedFails.map((v) => `${v.id} (${v.summary})`).join('; ')}`]);
  const badThresholds = summary.thresholds.filter((t) => t.status !== 'pass');
  if (badThresholds.length > 0) {
    codes.push([EXIT.THRESHOLDS, `${badThresholds.length} of ${summary.thresholds.length} thresholds failed: ${badThresholds.map((t) => `${t.expression} (observed ${t.observedText})`).join(', ')}`]);
  }
  const findings = failedVerdicts.filter((v) => !gated(v, failOn)).map((v) => `${v.id}: ${v.summary}`);
  const reasons = codes.map(([, r]) => r);
  if (codes.length === 0) {
    return { exitCode: EXIT.OK, outcome: findings.length > 0 ? 'passed-with-findings' : 'passed', reasons: findings.map((f) => `finding (not gated by --fail-on): ${f}`), findings };
  }
  const exitCode = codes[0]![0];
  const outcome: Outcome = exitCode === EXIT.SIGINT || exitCode === EXIT.SIGTERM || exitCode === EXIT.SIGHUP ? 'interrupted' : 'failed';
  return { exitCode, outcome, reasons: [...reasons, ...findings.map((f) => `finding (not gated by --fail-on): ${f}`)], findings };
}

function signalFromReason(reason: string): StopSignal | undefined {
  const m = /^(SIGINT|SIGTERM|SIGHUP)\b/.exec(reason);
  return m ? (m[1] as StopSignal) : undefined;
}

/** "soakstorm: PASSED WITH FINDINGS (exit 0): …": the terminal's last line. */
export function verdictLine(j: Judgement): string {
  const why = j.reasons.length > 0 ? `: ${j.reasons.join('; ')}` : '';
  return `${OUTCOME_WORDS[j.outcome]} (exit ${j.exitCode})${why}`;
}

/** The saturation reason with its lead-in once: the run's own reason already starts with it. */
export function saturationText(reason: string): string {
  return reason.startsWith('load generator saturated') ? reason : `load generator saturated: ${reason}`;
}
