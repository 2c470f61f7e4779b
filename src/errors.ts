// The one error type a user can cause: a stable code, an exit code and a one-line message
// ("<what is wrong> (<value seen>). <what to do>."). Anything else reaching the CLI is a bug.

/** Stable error codes; scripts may match on them. */
export type SoakstormErrorCode =
  | 'ERR_BAD_OPTION'
  | 'ERR_BAD_URL'
  | 'ERR_CONFIG_FILE'
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_RESULTS_WRITE'
  | 'ERR_RESULTS_READ'
  | 'ERR_LAB_START'
  | 'ERR_START_MISSED'
  | 'ERR_MERGE'
  | 'ERR_PREFLIGHT';

/** A user-caused failure, printed as one line without a stack. */
export class SoakstormError extends Error {
  readonly code: SoakstormErrorCode;
  /** Process exit code this error ends the CLI with (see cli/exit-codes.ts). */
  readonly exitCode: number;

  constructor(code: SoakstormErrorCode, message: string, exitCode = 2) {
    super(message);
    this.name = 'SoakstormError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Several option problems at once: each is one line, all are printed. */
export class SoakstormOptionErrors extends SoakstormError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('ERR_BAD_OPTION', problems.join('\n'), 2);
    this.problems = problems;
  }
}
