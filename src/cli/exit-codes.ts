// Exit codes live with the one judge of a run (src/outcome.ts); re-exported for the CLI commands.
export { EXIT, type ExitCode } from '../outcome.js';
