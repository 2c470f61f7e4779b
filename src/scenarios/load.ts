// Loads a scenario module (TypeScript or JavaScript) with tsx's tsImport, in the coordinator
// (validated before any connection) and again in every worker (its functions then run there).
// Node 20 cannot strip types by itself; tsx (esbuild) compiles the file in memory, so the user
// has no build step. Every failure is one ScenarioError: file, line, field, what to do.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './define.js';
import { readDataRows, type DataRow } from './data-feed.js';
import { ScenarioError, durationMs, lineOf, validateScenario } from './validate.js';

/** A scenario ready to run: its module's default export, its data rows and resolved paths. */
export interface LoadedScenario {
  /** Absolute path of the module. */
  readonly file: string;
  readonly scenario: Scenario;
  readonly rows: readonly DataRow[];
  /** The tls.ca file's text, or null. */
  readonly caPem: string | null;
  /** Handshake deadline (default 10 s). */
  readonly handshakeTimeoutMs: number;
}

/** Default handshake-step deadline: long enough for a cold server, short enough to notice. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Loads, validates and reads the data file of the scenario at `path`; throws ScenarioError. */
export async function loadScenario(path: string): Promise<LoadedScenario> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ScenarioError(path, 0, '', 'file not found. Check the path given to --scenario (or write one with "soakstorm init <name>")');
  const source = readFileSync(file, 'utf8');
  let mod: Record<string, unknown>;
  try {
    // Imported here, not at the top: tsx (esbuild) costs ~15 MB of RSS in every thread that loads
    // it, and only a run with --scenario needs it (issue 15: generator RSS at 19,500 held).
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw loadError(err, path);
  }
  const scenario = validateScenario(defaultExport(mod), path, source);
  const base = dirname(file);
  let rows: DataRow[] = [];
  if (scenario.data !== undefined) {
    try {
      rows = readDataRows(resolve(base, scenario.data));
    } catch (err) {
      throw new ScenarioError(path, lineOf(source, 'data'), 'data', (err as Error).message);
    }
  }
  let caPem: string | null = null;
  if (scenario.tls?.ca !== undefined) {
    try {
      caPem = readFileSync(resolve(base, scenario.tls.ca), 'utf8');
    } catch (err) {
      throw new ScenarioError(path, lineOf(source, 'ca'), 'tls.ca', `cannot read ${scenario.tls.ca} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the path (relative to the scenario file)`);
    }
  }
  const t = scenario.handshake?.timeout;
  return { file, scenario, rows, caPem, handshakeTimeoutMs: t === undefined ? HANDSHAKE_TIMEOUT_MS : durationMs(t) };
}

/** The scenario object: `export default`, unwrapping the CommonJS double default tsx gives a .ts outside an ESM package. */
function defaultExport(mod: Record<string, unknown>): unknown {
  let d = mod['default'];
  if (typeof d === 'object' && d !== null && 'default' in d && Object.keys(d).length === 1) d = (d as Record<string, unknown>)['default'];
  return d;
}

/** A failed import as one line: esbuild's "file:line:col: ERROR: …", or the first stack frame in the file. */
function loadError(err: unknown, path: string): ScenarioError {
  const e = err instanceof Error ? err : new Error(String(err));
  const syntax = /:(\d+):(\d+): ERROR: (.+)/.exec(e.message);
  if (syntax !== null) return new ScenarioError(path, Number(syntax[1]), '', `TypeScript/JavaScript syntax error: ${syntax[3]} (column ${syntax[2]}). Fix the file`);
  if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    const what = /Cannot find (?:module|package) '([^']+)'/.exec(e.message)?.[1] ?? 'a module';
    return new ScenarioError(path, 0, '', `does not load: it imports ${what}, which cannot be found. Install it or fix the import`);
  }
  const frame = new RegExp(`${resolve(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(e.stack ?? '');
  return new ScenarioError(path, frame !== null ? Number(frame[1]) : 0, '', `does not load: ${e.message.split('\n')[0]}. Fix the file`);
}
