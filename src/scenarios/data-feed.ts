// Per-client data from a CSV (header row) or JSON (array of objects) file: tokens, user ids,
// rooms. Client `id` takes row `id % rows`, so a client gets the same row in every worker, on
// every reconnect and in every run. csv-parse does the quoting rules (RFC 4180) we would
// otherwise get wrong.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One row: column -> text. */
export type DataRow = Readonly<Record<string, string>>;

/** Reads the rows of `path`; throws a plain Error whose message says what is wrong. */
export function readDataRows(path: string): DataRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read data file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the path (relative to the scenario file)`);
  }
  const rows = path.toLowerCase().endsWith('.json') ? jsonRows(text, path) : csvRows(text, path);
  if (rows.length === 0) throw new Error(`data file ${path} has no rows. Add at least one row after the header`);
  return rows;
}

function csvRows(text: string, path: string): DataRow[] {
  try {
    // Required on first use (its CommonJS build, so this stays synchronous): every worker imports
    // this module for rowFor, and only a scenario with a CSV file needs the parser.
    const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
    return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as DataRow[];
  } catch (err) {
    throw new Error(`data file ${path} is not valid CSV (${(err as Error).message}). Fix the file`);
  }
}

function jsonRows(text: string, path: string): DataRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`data file ${path} is not valid JSON (${(err as Error).message}). Fix the file`);
  }
  if (!Array.isArray(data) || !data.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new Error(`data file ${path} must hold a JSON array of objects. Use [{"token":"..."}, ...]`);
  }
  return data.map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
}

/** The row of client `id`: reproducible by id alone. */
export function rowFor(rows: readonly DataRow[], id: number): DataRow {
  return rows.length === 0 ? EMPTY : rows[id % rows.length]!;
}

const EMPTY: DataRow = Object.freeze({});
