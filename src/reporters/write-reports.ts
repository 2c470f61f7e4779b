// Writes report.html, junit.xml and summary.md into a results directory, and reads a results
// directory back (summary.json + timeline.ndjson) for `report` and `compare`. The only I/O in reporters/.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SoakstormError } from '../errors.js';
import { SCHEMA_VERSION, type RunSummary, type TimelinePoint } from '../metrics/result.js';
import { renderHtmlReport } from './html/report.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';
import { checkSummaryShape } from './summary-shape.js';

/** File names inside a results directory. */
export const RESULT_FILES = {
  summary: 'summary.json',
  timeline: 'timeline.ndjson',
  html: 'report.html',
  junit: 'junit.xml',
  markdown: 'summary.md',
} as const;

/** A results directory read back from disk. */
export interface LoadedResults {
  dir: string;
  summary: RunSummary;
  timeline: TimelinePoint[];
}

// Write beside the target and rename, so a reader (or a crash) never sees half a report.
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Writes summary.json into `dir` (atomically), e.g. one rebuilt after a hard kill. */
export async function writeSummaryFile(dir: string, summary: RunSummary): Promise<string> {
  const path = join(dir, RESULT_FILES.summary);
  try {
    await writeAtomic(path, JSON.stringify(summary, null, 2) + '\n');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SoakstormError('ERR_RESULTS_WRITE', `cannot write ${path} (${e.code ?? e.message}). Check the directory is writable.`, 2);
  }
  return path;
}

/** Reads and parses a JSON file of `dir`, or exit 2 naming it. */
export async function readJsonFile(dir: string, name: string): Promise<unknown> {
  const text = await readText(dir, name);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw readError(`${join(dir, name)} is not valid JSON (${(err as Error).message}). The file is corrupt; re-run.`);
  }
}

/** Reads timeline.ndjson of `dir` (a torn last line is dropped). */
export async function loadTimeline(dir: string): Promise<TimelinePoint[]> {
  return parseTimeline(await readText(dir, RESULT_FILES.timeline), join(dir, RESULT_FILES.timeline));
}

/** Writes report.html, junit.xml and summary.md into `dir` (which must exist); returns their paths. */
export async function writeReports(dir: string, summary: RunSummary, timeline: TimelinePoint[]): Promise<string[]> {
  const files: [string, string][] = [
    [join(dir, RESULT_FILES.html), renderHtmlReport(summary, timeline)],
    [join(dir, RESULT_FILES.junit), renderJunit(summary)],
    [join(dir, RESULT_FILES.markdown), renderMarkdownSummary(summary)],
  ];
  try {
    for (const [path, text] of files) await writeAtomic(path, text);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SoakstormError('ERR_RESULTS_WRITE', `cannot write reports into ${dir} (${e.code ?? e.message}). Check the directory exists and is writable.`, 2);
  }
  return files.map(([path]) => path);
}

function readError(message: string): SoakstormError {
  return new SoakstormError('ERR_RESULTS_READ', message, 2);
}

async function readText(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw readError(`no ${name} in ${dir} (not found). Pass a results directory written by "soakstorm run", e.g. results/<run-id>.`);
    if (code === 'ENOTDIR') throw readError(`${dir} is not a directory (ENOTDIR). Pass a results directory written by "soakstorm run".`);
    throw readError(`cannot read ${join(dir, name)} (${code ?? String(err)}). Check the path and its permissions.`);
  }
}

/** The schemaVersion and soakstorm version a summary.json declares, without checking them. */
export async function readResultVersion(dir: string): Promise<{ schemaVersion: unknown; soakstorm: unknown; summary: unknown }> {
  const text = await readText(dir, RESULT_FILES.summary);
  let summary: unknown;
  try {
    summary = JSON.parse(text);
  } catch (err) {
    throw readError(`${join(dir, RESULT_FILES.summary)} is not valid JSON (${(err as Error).message}). The run may have been cut short; re-run it.`);
  }
  if (summary === null || typeof summary !== 'object') throw readError(`${join(dir, RESULT_FILES.summary)} is not a soakstorm summary (got ${JSON.stringify(summary)}). Pass a results directory written by "soakstorm run".`);
  const s = summary as Record<string, unknown>;
  return { schemaVersion: s['schemaVersion'], soakstorm: s['soakstorm'], summary };
}

/** Parses timeline.ndjson; a torn last line (a crash mid-append) is dropped, any other bad line is an error. */
export function parseTimeline(text: string, path: string): TimelinePoint[] {
  const lines = text.split('\n');
  const out: TimelinePoint[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as TimelinePoint);
    } catch {
      const torn = i === lines.length - 1 && !text.endsWith('\n');
      if (!torn) throw readError(`${path} line ${i + 1} is not valid JSON (${line.slice(0, 40)}). The file is corrupt; re-run or remove the line.`);
    }
  }
  return out;
}

/** Reads summary.json from `dir`; its schemaVersion must be the one this soakstorm writes. */
export async function loadSummary(dir: string): Promise<RunSummary> {
  const { schemaVersion, soakstorm, summary } = await readResultVersion(dir);
  if (schemaVersion !== SCHEMA_VERSION) {
    throw readError(`${join(dir, RESULT_FILES.summary)} has schemaVersion ${JSON.stringify(schemaVersion)} (written by soakstorm ${String(soakstorm)}); this soakstorm reads schemaVersion ${SCHEMA_VERSION}. Use the soakstorm version that wrote it.`);
  }
  return checkSummaryShape(summary, join(dir, RESULT_FILES.summary));
}

/** Reads summary.json (schemaVersion checked) and timeline.ndjson from `dir`. */
export async function loadResults(dir: string): Promise<LoadedResults> {
  const summary = await loadSummary(dir);
  const timeline = parseTimeline(await readText(dir, RESULT_FILES.timeline), join(dir, RESULT_FILES.timeline));
  return { dir, summary, timeline };
}
