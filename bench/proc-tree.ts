// Whole-generator memory from /proc: a generator that is several processes (soakstorm's shard
// children, or raw loops split to stay under the per-process fd limit) is measured as the sum of
// VmRSS over every process in its tree, the way `top` would have to add them up.
import { readdirSync, readFileSync } from 'node:fs';

/** `root` and every descendant still alive (pids from /proc/<pid>/task/<tid>/children). */
export function treePids(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited between the listing and now
    }
    out.push(pid);
    for (const tid of tasks) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim() !== '') todo.push(Number(c));
      } catch {
        // a thread that ended while we read: its children (if any) are listed by another thread
      }
    }
  }
  return out;
}

/** VmRSS of one process in bytes; 0 once it exited (or for a zombie, which has no VmRSS line). */
export function rssBytesOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One reading of a process tree: when, total RSS, and how many processes it summed. */
export interface TreeSample {
  epochMs: number;
  rssBytes: number;
  processes: number;
}

/** Sum of VmRSS over the trees of `roots`. */
export function treeRss(roots: readonly number[]): TreeSample {
  const pids = new Set(roots.flatMap((r) => treePids(r)));
  let rssBytes = 0;
  for (const pid of pids) rssBytes += rssBytesOf(pid);
  return { epochMs: Date.now(), rssBytes, processes: pids.size };
}

/** Open fds over a process tree (0 where /proc is not readable). */
export function treeFds(root: number): number {
  let n = 0;
  for (const pid of treePids(root)) {
    try {
      n += readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // exited, or not ours to read
    }
  }
  return n;
}

/**
 * Reads the trees of `roots()` every `everyMs` until stopped. `roots` is a function because the
 * processes to watch may not exist yet when sampling starts (they are spawned after it).
 */
export function sampleTrees(roots: () => number[], everyMs = 1000): { stop(): TreeSample[] } {
  const samples: TreeSample[] = [];
  const read = (): void => {
    const r = roots();
    if (r.length > 0) samples.push(treeRss(r));
  };
  const timer = setInterval(read, everyMs);
  read();
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

/** SIGKILLs a process and every descendant (listed first: a dead parent's children are re-parented). */
export function killTree(root: number): void {
  for (const pid of treePids(root).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
