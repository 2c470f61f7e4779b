// Where an internal error's stack goes: a fresh directory with an unpredictable name (mkdtemp)
// under $TMPDIR and a file only the user can read (0600). A stack may quote a URL or a header,
// and a predictable /tmp/soakstorm-crash-<pid>.log invites symlink tricks by other local users.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `err`'s stack to a private crash log; returns its path, or null when nothing could be written. */
export function writeCrashLog(err: Error, base = tmpdir()): string | null {
  try {
    const path = join(mkdtempSync(join(base, 'soakstorm-crash-')), 'crash.log');
    writeFileSync(path, `${new Date().toISOString()}\n${err.stack ?? err.message}\n`, { mode: 0o600, flag: 'wx' });
    return path;
  } catch {
    return null;
  }
}
