// Leak verdict, faulty side, against a lab in its own process: a lab keeping 32 KiB per closed
// connection must fail, naming the bytes held per close. (The healthy side: lab-leak-healthy.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakLab, verdict } from './lab-soak.js';

test('leak: a lab retaining 32 KiB per connection fails, with the bytes held per closed connection', async () => {
  // Two ways to the fail, both exercised: memory still held after a collection in the cooldown
  // matching what each close added under load (dose–response), and a floor trend over ≥ 90 s of
  // steady state. 100 clients churning (≈ 66 closes/s): with 50, beside a CPU burner the idle
  // lab collected nothing in its cooldown and the trend had only 6–7 floors, whose Mann–Kendall
  // test (variance inflated for autocorrelation) came out p = 0.08 for a +63 MB/min leak.
  const s = await soakLab(['--fault', 'leak'], { clients: 100, durationMs: 112_000, sessionMinMs: 1000, sessionMaxMs: 2000 });
  const leak = verdict(s, 'leak');
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /under load memory grew [\d.]+ KB with each of \d+ connections closed/);
  const perClose = leak.evidence['heldBytesPerClosedUnderLoad'] as number;
  assert.ok(perClose > 24 * 1024 && perClose < 48 * 1024, `${perClose} B per closed connection under load (the lab keeps 32 KiB + 128 B per message)`);
  const perConn = leak.evidence['retainedBytesPerClosedConnection'] as number;
  assert.ok(perConn > 24 * 1024 && perConn < 48 * 1024, `retained ${perConn} B per closed connection`);
});
