// Min and max of long arrays without spreading them into arguments: a day-long soak has
// ~86,400 ticks, past what Math.max(...xs) can take on a default stack.

/** Largest value of `xs` (-Infinity when empty). */
export function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Smallest value of `xs` (Infinity when empty). */
export function minOf(xs: readonly number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}
