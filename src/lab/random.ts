// Seeded pseudo-random numbers for every fault that rolls dice (drops, rejections, close codes),
// so a lab started with the same --seed makes the same choices in the same order.

/** A seeded uniform generator in [0, 1) (mulberry32: 32-bit state, fast, good enough for faults). */
export type Random = () => number;

/** Returns a generator whose sequence depends only on `seed` (any finite number). */
export function createRandom(seed: number): Random {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
