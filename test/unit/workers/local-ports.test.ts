// Source ports named for --local-address: workers of one process never share a port, every port
// of the range is used before any repeats, and the cursor stays inside the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalPorts, ephemeralRange } from '../../../src/workers/transports/local-ports.js';

test('two workers take disjoint ports, each covering its share of the range before repeating', () => {
  const range = [40000, 40009] as const;
  const w0 = new LocalPorts(0, 2, 0, range);
  const w1 = new LocalPorts(1, 2, 0, range);
  const a = Array.from({ length: 5 }, () => w0.next());
  const b = Array.from({ length: 5 }, () => w1.next());
  assert.deepEqual([...a, ...b].sort((x, y) => x - y), [40000, 40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008, 40009]);
  assert.equal(w0.next(), a[0], 'wraps to where it started');
});

test('a process offset moves the start, and ports stay inside the range', () => {
  const range = [50000, 50099] as const;
  const ports = new LocalPorts(2, 3, 12345, range);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const p = ports.next();
    assert.ok(p >= 50000 && p <= 50099, `port ${p} in range`);
    assert.equal((p - 50000) % 3, 2, 'worker 2 of 3 keeps its residue');
    seen.add(p);
  }
  assert.equal(seen.size, 33);
});

test('the machine range is read as two ordered ports', () => {
  const [low, high] = ephemeralRange();
  assert.ok(low > 0 && high > low && high <= 65535);
});
