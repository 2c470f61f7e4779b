// Every exit code soakstorm can end with. CI scripts depend on these numbers: never renumber.
// Modelled on k6 errext/exitcodes (99 for failed thresholds, so CI habits carry over).

export const EXIT = {
  /** The run finished and nothing gated failed. */
  OK: 0,
  /** soakstorm itself failed: a bug; the message says where the crash log is. */
  INTERNAL: 1,
  /** Bad usage, option, threshold or config file, or unreadable results: nothing was run. */
  USAGE: 2,
  /** The target never accepted a connection. */
  UNREACHABLE: 3,
  /** A shard woke past --start-at + --start-grace and refused to run out of step (nothing was run). */
  START_MISSED: 95,
  /** The load generator was saturated: latency figures are untrustworthy. */
  SATURATED: 97,
  /** A verdict named in --fail-on failed. */
  VERDICT: 98,
  /** One or more thresholds failed (or had no data). */
  THRESHOLDS: 99,
  /** Interrupted by SIGINT after partial results were written. */
  SIGINT: 130,
  /** Interrupted by SIGTERM after partial results were written. */
  SIGTERM: 143,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
