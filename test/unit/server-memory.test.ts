// Prometheus text parsing on real-format pages, JSON readings, source validation and the
// procfs sampler against this very process. No network here (see server-memory.http.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  memoryMetricKind,
  parsePrometheusText,
  readingFromJson,
  readingFromPrometheus,
  resolvePath,
  samplePid,
  validateMemorySource,
} from '../../src/metrics/server-memory.js';

const MB = 1024 * 1024;

/** What prom-client's default metrics look like, plus the awkward corners of the format. */
const PROM_PAGE = [
  '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.',
  '# TYPE process_cpu_user_seconds_total counter',
  'process_cpu_user_seconds_total 0.123456',
  '',
  '# HELP process_resident_memory_bytes Resident memory size in bytes.',
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes 52379648',
  '# TYPE nodejs_heap_size_used_bytes gauge',
  'nodejs_heap_size_used_bytes 9.876e+06',
  'nodejs_external_memory_bytes 1234567',
  'nodejs_heap_space_size_used_bytes{space="new"} 1048576',
  'nodejs_heap_space_size_used_bytes{space="old",} 8.5E6',
  'http_request_duration_seconds_bucket{le="+Inf",method="GET",path="/a\\"b\\\\c,d}"} 42 1700000000000',
  'some_ratio NaN',
  'some_limit +Inf',
  '{"my.utf8.metric", env="prod"} 7',
  'rpc_duration_seconds_count 2693 # {trace_id="abc"} 1.0',
  'garbage line without value',
  '# EOF',
].join('\n');

test('parses names, labels, escapes, exponents, specials, timestamps and exemplars', () => {
  const samples = parsePrometheusText(PROM_PAGE);
  assert.deepEqual(samples.slice(0, 6), [
    { name: 'process_cpu_user_seconds_total', labels: {}, value: 0.123456 },
    { name: 'process_resident_memory_bytes', labels: {}, value: 52379648 },
    { name: 'nodejs_heap_size_used_bytes', labels: {}, value: 9876000 },
    { name: 'nodejs_external_memory_bytes', labels: {}, value: 1234567 },
    { name: 'nodejs_heap_space_size_used_bytes', labels: { space: 'new' }, value: 1048576 },
    { name: 'nodejs_heap_space_size_used_bytes', labels: { space: 'old' }, value: 8500000 },
  ]);
  assert.deepEqual(samples[6], {
    name: 'http_request_duration_seconds_bucket',
    labels: { le: '+Inf', method: 'GET', path: '/a"b\\c,d}' },
    value: 42,
    timestampMs: 1700000000000,
  });
  assert.ok(Number.isNaN(samples[7]!.value));
  assert.equal(samples[8]!.value, Infinity);
  assert.deepEqual(samples[9], { name: 'my.utf8.metric', labels: { env: 'prod' }, value: 7 });
  assert.deepEqual(samples[10], { name: 'rpc_duration_seconds_count', labels: {}, value: 2693 });
  assert.equal(samples.length, 11);
});

test('a Prometheus reading takes the chosen metric plus RSS, heap and external', () => {
  assert.deepEqual(readingFromPrometheus(PROM_PAGE, 'process_resident_memory_bytes', 'http://x/metrics'), {
    ok: true,
    bytes: 52379648,
    rssBytes: 52379648,
    heapUsedBytes: 9876000,
    externalBytes: 1234567,
  });
  // Several label sets are summed (here: heap spaces).
  const spaces = readingFromPrometheus(PROM_PAGE, 'nodejs_heap_space_size_used_bytes', 'http://x/metrics');
  assert.equal(spaces.ok && spaces.bytes, 1048576 + 8500000);
});

test('a missing Prometheus metric is an error naming memory-like metrics that exist', () => {
  assert.deepEqual(readingFromPrometheus(PROM_PAGE, 'nope_bytes', 'http://x/metrics'), {
    ok: false,
    error: 'metric nope_bytes not found at http://x/metrics (memory-like metrics there: process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_external_memory_bytes)',
  });
  assert.deepEqual(readingFromPrometheus('up 1\n', 'nope_bytes', 'http://x/m'), {
    ok: false,
    error: 'metric nope_bytes not found at http://x/m',
  });
});

test('a JSON reading converts units and picks up rss/heap/external fields', () => {
  const body = JSON.stringify({ heap_used_mb: 12.5, external_mb: 2, rss_mb: 80, nested: { mem: ['x', { kb: '2048' }] } });
  assert.deepEqual(readingFromJson(body, 'heap_used_mb', 'MB', 'http://x/debug/memory'), {
    ok: true,
    bytes: 12.5 * MB,
    rssBytes: 80 * MB,
    heapUsedBytes: 12.5 * MB,
    externalBytes: 2 * MB,
  });
  const nested = readingFromJson(body, '$.nested.mem[1].kb', 'KB', 'u');
  assert.equal(nested.ok && nested.bytes, 2 * MB);
  // process.memoryUsage() dumps are in bytes.
  const usage = readingFromJson(JSON.stringify({ rss: 100, heapUsed: 40, external: 7 }), 'rss', 'B', 'u');
  assert.deepEqual(usage, { ok: true, bytes: 100, rssBytes: 100, heapUsedBytes: 40, externalBytes: 7 });
});

test('JSON errors are readings, not throws', () => {
  assert.deepEqual(readingFromJson('<html>', 'a', 'B', 'http://x/d'), { ok: false, error: 'http://x/d did not return JSON' });
  assert.deepEqual(readingFromJson('{"a":{"b":"big"}}', 'a.b', 'B', 'http://x/d'), {
    ok: false,
    error: 'a.b at http://x/d rejected: "big" is not a decimal number',
  });
});

test('resolvePath follows dots, brackets and a leading $', () => {
  const doc = { a: { b: [1, { c: 3 }] } };
  assert.equal(resolvePath(doc, 'a.b[1].c'), 3);
  assert.equal(resolvePath(doc, '$.a.b.0'), 1);
  assert.equal(resolvePath(doc, 'a.z.c'), undefined);
});

test('validation gives one line per problem in soakstorm format', () => {
  assert.deepEqual(validateMemorySource({ kind: 'pid', pid: -5 }), [
    'soakstorm: --server-pid must be a positive integer (got "-5"). Pass the server\'s process id.',
  ]);
  assert.deepEqual(validateMemorySource({ kind: 'json', url: 'ftp://h/x', jsonPath: ' ', unit: 'TB' as 'GB' }), [
    'soakstorm: --server-memory-url must be an http(s) URL (got "ftp://h/x"). Pass e.g. http://127.0.0.1:9090/metrics.',
    'soakstorm: --json-path is empty (got ""). Name the field, e.g. heap_used_mb or memory.rss.',
    'soakstorm: --unit must be B, KB, MB or GB (got "TB"). Give the unit of the JSON figure.',
  ]);
  assert.deepEqual(validateMemorySource({ kind: 'prometheus', url: 'http://127.0.0.1:1/metrics' }), []);
});

test('metric kind follows the metric name', () => {
  assert.equal(memoryMetricKind({ kind: 'pid', pid: 1 }), 'rss');
  assert.equal(memoryMetricKind({ kind: 'prometheus', url: 'http://h' }), 'rss');
  assert.equal(memoryMetricKind({ kind: 'prometheus', url: 'http://h', metric: 'nodejs_heap_size_used_bytes' }), 'heap');
  assert.equal(memoryMetricKind({ kind: 'json', url: 'http://h', jsonPath: 'external_mb', unit: 'MB' }), 'external');
  assert.equal(memoryMetricKind({ kind: 'json', url: 'http://h', jsonPath: 'total', unit: 'MB' }), 'other');
});

test('procfs sampler reads this process and reports a missing one', { skip: process.platform !== 'linux' }, async () => {
  const own = await samplePid(process.pid);
  assert.equal(own.ok, true);
  assert.ok(own.ok && own.bytes > MB && own.rssBytes === own.bytes);
  assert.deepEqual(await samplePid(999_999_999), { ok: false, error: 'process 999999999 not found (it exited?)' });
});
