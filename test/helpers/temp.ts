// Temp folders for tests, removed when the test file's process exits cleanly. A failing file
// keeps its folders (their paths are in the failure messages) so the run can be inspected; the
// suite used to leave ~40 folders per run in the temp directory, thousands after a day's work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

process.on('exit', (code) => {
  if (code !== 0 || process.exitCode) return;
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder `soakstorm-<what>-XXXXXX` under the system temp directory (or `base`). */
export function tempDir(what: string, base = tmpdir()): string {
  const dir = mkdtempSync(join(base, `soakstorm-${what}-`));
  made.push(dir);
  return dir;
}
