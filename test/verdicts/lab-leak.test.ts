// Leak verdict, faulty side, against a lab in its own process: a lab keeping 32 KiB per closed
// connection must fail, naming the bytes held per close. (The healthy side: lab-leak-healthy.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakLab, verdict } from './lab-soak.js';

test('leak: a lab retaining 32 KiB per connection fails, with the bytes held per closed connection', async () => {
  // An idle lab may not collect garbage for minutes after load, so what stays after the clients
  // leave cannot be trusted alone; 95 s of steady state (after 15 s settling) lets the floor trend
  // decide, whatever a busy machine does to sample timing. 50 clients churning ≈ 33 closes/s.
  const s = await soakLab(['--fault', 'leak'], { clients: 50, durationMs: 112_000, sessionMinMs: 1000, sessionMaxMs: 2000 });
  const leak = verdict(s, 'leak');
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /under load memory grew [\d.]+ KB with each of \d+ connections closed/);
  const perClose = leak.evidence['heldBytesPerClosedUnderLoad'] as number;
  assert.ok(perClose > 24 * 1024 && perClose < 48 * 1024, `${perClose} B per closed connection under load (the lab keeps 32 KiB + 128 B per message)`);
  const perConn = leak.evidence['retainedBytesPerClosedConnection'] as number;
  assert.ok(perConn > 24 * 1024 && perConn < 48 * 1024, `retained ${perConn} B per closed connection`);
});
