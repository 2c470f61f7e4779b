// The shipped deployment files parse as YAML and hold what a sharded run needs: an Indexed
// Job failing as a whole on the abort exit codes, a results volume, a merge Job, a CI matrix,
// and shard arguments the CLI actually accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { RUN_OPTIONS } from '../../src/cli/options.js';
import { EXIT } from '../../src/cli/exit-codes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Doc = Record<string, any>;

function load(path: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(ROOT + path, 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], `${path} parses as YAML`);
  return docs.map((d) => d.toJS() as Doc);
}

/** Every --flag of a run argument list is a flag soakstorm run knows. */
function assertKnownRunFlags(args: string[]): void {
  const known = new Set(RUN_OPTIONS.flatMap((o) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith('-'))));
  for (const a of args.filter((x) => x.startsWith('--'))) assert.ok(known.has(a.split('=')[0]!), `unknown run flag ${a}`);
}

test('the shards Job is Indexed, fails whole on the abort exit codes, never retries a shard and mounts the results volume', () => {
  const [job] = load('deploy/kubernetes/shards-job.yaml');
  assert.equal(job!.apiVersion, 'batch/v1');
  assert.equal(job!.kind, 'Job');
  const spec = job!.spec;
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.parallelism, spec.completions, 'every shard runs at once');
  assert.equal(spec.backoffLimitPerIndex, 0);
  const failJob = spec.podFailurePolicy.rules.find((r: Doc) => r.action === 'FailJob');
  assert.equal(failJob.onExitCodes.operator, 'In');
  for (const code of [EXIT.START_MISSED, EXIT.THRESHOLDS]) assert.ok(failJob.onExitCodes.values.includes(code), `FailJob on exit ${code}`);
  const pod = spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never', 'podFailurePolicy requires restartPolicy Never');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const container = pod.containers[0];
  assert.equal(failJob.onExitCodes.containerName, container.name);
  assert.equal(container.args[0], 'run');
  assertKnownRunFlags(container.args);
  assert.ok(container.args.includes(`--shards=${spec.completions}`), 'shard count equals completions (index from JOB_COMPLETION_INDEX)');
  assert.ok(container.args.some((a: string) => a.startsWith('--start-at=')));
  const out = container.args.find((a: string) => a.startsWith('--out='));
  const mount = container.volumeMounts.find((m: Doc) => out.slice('--out='.length).startsWith(m.mountPath));
  assert.ok(mount, 'results are written to a mounted volume');
  assert.equal(pod.volumes.find((v: Doc) => v.name === mount.name).persistentVolumeClaim.claimName, 'soakstorm-results');
});

test('the results volume is ReadWriteMany and the merge Job reads it', () => {
  const [pvc] = load('deploy/kubernetes/results-pvc.yaml');
  assert.equal(pvc!.kind, 'PersistentVolumeClaim');
  assert.equal(pvc!.metadata.name, 'soakstorm-results');
  assert.deepEqual(pvc!.spec.accessModes, ['ReadWriteMany']);
  const [merge] = load('deploy/kubernetes/merge-job.yaml');
  assert.equal(merge!.kind, 'Job');
  assert.equal(merge!.spec.backoffLimit, 0);
  const c = merge!.spec.template.spec.containers[0];
  assert.equal(c.args[0], 'merge');
  assert.ok(c.args.includes('--out'));
  assert.equal(merge!.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'soakstorm-results');
});

test('the CI example runs one shard per matrix entry on one start time and merges them', () => {
  const [wf] = load('deploy/github-actions/soak-shards.yml');
  const shard = wf!.jobs.shard;
  assert.deepEqual(shard.strategy.matrix.shard, [1, 2, 3]);
  const run = shard.steps.find((s: Doc) => typeof s.run === 'string' && s.run.includes('soakstorm run')).run as string;
  assert.match(run, /--shard \$\{\{ matrix\.shard \}\}\/\$\{\{ env\.SHARDS \}\}/);
  assert.match(run, /--start-at \$\{\{ needs\.plan\.outputs\.start_at \}\}/);
  assertKnownRunFlags(run.split(/\s+/));
  assert.equal(wf!.env.SHARDS, shard.strategy.matrix.shard.length);
  assert.ok(wf!.jobs.merge.steps.some((s: Doc) => typeof s.run === 'string' && s.run.startsWith('soakstorm merge')));
});

test('the Dockerfile runs the CLI as a non-root user on a small base', () => {
  const text = readFileSync(ROOT + 'Dockerfile', 'utf8');
  const stages = text.split('\n').filter((l) => l.startsWith('FROM '));
  assert.match(stages.at(-1)!, /^FROM node:20-alpine$/);
  assert.match(text, /^USER node$/m);
  assert.match(text, /^ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]$/m);
});
