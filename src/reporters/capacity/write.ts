// Writes and reads a capacity run's files: capacity.json (the data), capacity.html, capacity.md.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SoakstormError } from '../../errors.js';
import { CAPACITY_SCHEMA_VERSION, type CapacityReport } from '../../metrics/capacity/types.js';
import { renderCapacityHtml } from './html.js';
import { renderCapacityMarkdown } from './markdown.js';

/** File names inside the run's results folder. */
export const CAPACITY_FILES = { json: 'capacity.json', html: 'capacity.html', markdown: 'capacity.md' } as const;

/** Writes the three capacity files; returns their paths. */
export async function writeCapacityReports(dir: string, report: CapacityReport): Promise<string[]> {
  const paths = [join(dir, CAPACITY_FILES.json), join(dir, CAPACITY_FILES.html), join(dir, CAPACITY_FILES.markdown)];
  await writeFile(paths[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(paths[1]!, renderCapacityHtml(report));
  await writeFile(paths[2]!, renderCapacityMarkdown(report));
  return paths;
}

/** capacity.json of a results folder, or null when the folder holds a plain run. */
export async function loadCapacity(dir: string): Promise<CapacityReport | null> {
  let text: string;
  try {
    text = await readFile(join(dir, CAPACITY_FILES.json), 'utf8');
  } catch {
    return null;
  }
  let data: CapacityReport;
  try {
    data = JSON.parse(text) as CapacityReport;
  } catch (err) {
    throw new SoakstormError('ERR_RESULTS_READ', `${join(dir, CAPACITY_FILES.json)} is not valid JSON (${(err as Error).message}). Re-run soakstorm capacity or remove the file.`, 2);
  }
  if (data.kind !== 'capacity' || data.schemaVersion !== CAPACITY_SCHEMA_VERSION) {
    throw new SoakstormError('ERR_RESULTS_READ', `${join(dir, CAPACITY_FILES.json)} has schema ${String(data.schemaVersion)}, this soakstorm reads ${CAPACITY_SCHEMA_VERSION}. Use the soakstorm version that wrote it.`, 2);
  }
  return data;
}
