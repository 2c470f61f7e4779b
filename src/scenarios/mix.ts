// Profile mix: which profile each client id follows. Deterministic from (seed, id) alone, so
// the planner can count clients per profile and any worker or shard agrees without talking.
import { PROFILES, type ProfileName } from '../protocol.js';
import { mixSeed } from './random.js';

/** Parses "fast=60,slow=15,sleepy=15,storm=10" into percents in PROFILES order. Throws a message on error. */
export function parseMix(text: string): number[] {
  const mix = PROFILES.map(() => 0);
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(part);
    if (!m) throw new Error(`--mix entry "${part.trim()}" is not name=percent (e.g. fast=60,slow=40)`);
    const idx = PROFILES.indexOf(m[1] as ProfileName);
    if (idx < 0) throw new Error(`--mix names unknown profile "${m[1]}"; known: ${PROFILES.join(', ')}`);
    mix[idx] = Number(m[2]);
  }
  const total = mix.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 100) > 1e-9) throw new Error(`--mix percentages add up to ${total}, not 100`);
  return mix;
}

/**
 * Profile index of client `id`: clients are dealt out by largest remainder over the id order,
 * then shuffled by a seeded permutation so profiles interleave across workers and ramp-up.
 */
export function profileOf(id: number, clientCount: number, mix: readonly number[], seed: number): number {
  const slot = permute(id, clientCount, seed);
  let acc = 0;
  for (let p = 0; p < mix.length; p++) {
    acc += mix[p]!;
    if (slot < Math.round((acc / 100) * clientCount)) return p;
  }
  return mix.length - 1;
}

/** Clients per profile for a population, in PROFILES order. */
export function profileCounts(clientCount: number, mix: readonly number[]): number[] {
  const counts: number[] = [];
  let prev = 0;
  let acc = 0;
  for (const pct of mix) {
    acc += pct;
    const upto = Math.round((acc / 100) * clientCount);
    counts.push(upto - prev);
    prev = upto;
  }
  return counts;
}

// A keyed bijection on [0, n): cycle-walking over a 2-round affine mix on the next power of two.
function permute(id: number, n: number, seed: number): number {
  if (n <= 1) return 0;
  let bits = 1;
  while (1 << bits < n) bits++;
  const mask = (1 << bits) - 1;
  const a = (mixSeed(seed, 1) | 1) & mask;
  const b = mixSeed(seed, 2) & mask;
  let x = id;
  do {
    x = (Math.imul(x, a) + b) & mask;
    x ^= x >>> Math.max(1, bits >> 1);
  } while (x >= n);
  return x;
}
