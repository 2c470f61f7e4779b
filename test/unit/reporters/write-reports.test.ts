import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResults, writeReports } from '../../../src/reporters/write-reports.js';
import { SoakstormError } from '../../../src/errors.js';
import { NIGHTLY_DIR } from '../../fixtures/paths.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'soakstorm-reports-'));
});
after(() => rm(root, { recursive: true, force: true }));

async function rejectsWith(dir: string, message: string): Promise<void> {
  await assert.rejects(loadResults(dir), (err: unknown) => {
    assert.ok(err instanceof SoakstormError);
    assert.equal(err.code, 'ERR_RESULTS_READ');
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, message);
    return true;
  });
}

test('loads the fixture and writes the three reports, leaving no temp files', async () => {
  const { summary, timeline } = await loadResults(NIGHTLY_DIR);
  assert.equal(summary.runId, '20250504-020000-nightly');
  assert.equal(timeline.length, 120);
  const dir = join(root, 'out');
  await mkdir(dir);
  const paths = await writeReports(dir, summary, timeline);
  assert.deepEqual(paths, ['report.html', 'junit.xml', 'summary.md'].map((f) => join(dir, f)));
  assert.deepEqual((await readdir(dir)).sort(), ['junit.xml', 'report.html', 'summary.md']);
  assert.match(await readFile(paths[0]!, 'utf8'), /^<!doctype html>/);
});

test('an unwritable directory is a one-line error', async () => {
  const { summary, timeline } = await loadResults(NIGHTLY_DIR);
  const missing = join(root, 'no-such-dir');
  await assert.rejects(writeReports(missing, summary, timeline), {
    code: 'ERR_RESULTS_WRITE',
    message: `cannot write reports into ${missing} (ENOENT). Check the directory exists and is writable.`,
  });
});

test('missing, corrupt and foreign results are one-line errors', async () => {
  const missing = join(root, 'missing');
  await rejectsWith(missing, `no summary.json in ${missing} (not found). Pass a results directory written by "soakstorm run", e.g. results/<run-id>.`);
  const file = join(root, 'a-file');
  await writeFile(file, 'x');
  await rejectsWith(file, `${file} is not a directory (ENOTDIR). Pass a results directory written by "soakstorm run".`);
  const corrupt = join(root, 'corrupt');
  await mkdir(corrupt);
  await writeFile(join(corrupt, 'summary.json'), '{"schemaVersion": 1,');
  await assert.rejects(loadResults(corrupt), (err: unknown) => err instanceof SoakstormError && err.message.startsWith(`${join(corrupt, 'summary.json')} is not valid JSON (`) && err.message.endsWith('). The run may have been cut short; re-run it.'));
  await writeFile(join(corrupt, 'summary.json'), '[1]');
  await rejectsWith(corrupt, `${join(corrupt, 'summary.json')} has schemaVersion undefined (written by soakstorm undefined); this soakstorm reads schemaVersion 1. Use the soakstorm version that wrote it.`);
  await writeFile(join(corrupt, 'summary.json'), 'null');
  await rejectsWith(corrupt, `${join(corrupt, 'summary.json')} is not a soakstorm summary (got null). Pass a results directory written by "soakstorm run".`);
  await writeFile(join(corrupt, 'summary.json'), '{"schemaVersion": 7, "soakstorm": "7.0.0"}');
  await rejectsWith(corrupt, `${join(corrupt, 'summary.json')} has schemaVersion 7 (written by soakstorm 7.0.0); this soakstorm reads schemaVersion 1. Use the soakstorm version that wrote it.`);
});

test('a torn last timeline line is dropped; a bad line elsewhere is an error', async () => {
  const dir = join(root, 'torn');
  await cp(NIGHTLY_DIR, dir, { recursive: true });
  const path = join(dir, 'timeline.ndjson');
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  await writeFile(path, `${lines.join('\n')}\n{"t":121,"ts":17`);
  assert.equal((await loadResults(dir)).timeline.length, 120);
  await writeFile(path, `${lines[0]}\n{"t":2,\n${lines.slice(2).join('\n')}\n`);
  await rejectsWith(dir, `${path} line 2 is not valid JSON ({"t":2,). The file is corrupt; re-run or remove the line.`);
  await rm(path);
  await rejectsWith(dir, `no timeline.ndjson in ${dir} (not found). Pass a results directory written by "soakstorm run", e.g. results/<run-id>.`);
});
