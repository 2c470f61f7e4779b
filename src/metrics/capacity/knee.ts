// Kneedle (Satopää, Albrecht, Irwin, Raghavan 2011, "Finding a 'Kneedle' in a Haystack"), offline
// form: normalise both axes to [0, 1], take the difference curve against the diagonal, and call the
// first local maximum that the curve then falls clearly below (the paper's threshold, S = 1) the
// knee, when it stands clear of a straight line. No smoothing: a staircase has few points and each
// is already a plateau of thousands of samples.
import type { KneePoint } from './types.js';

/** A difference-curve peak below this is a curve too straight to have a knee (10% of the range). */
export const MIN_KNEE_STRENGTH = 0.1;
/** Fewer points cannot show a bend: two points make a line, three a single angle. */
export const MIN_KNEE_POINTS = 4;

/**
 * The knee of y(x). `shape` says which way the curve bends: 'concave' for a curve that rises and
 * flattens (throughput), 'convex' for one that stays flat and then rises (latency). Returns null
 * with too few points, a flat or straight curve, or x values that do not increase.
 */
export function kneedle(xs: readonly number[], ys: readonly number[], shape: 'concave' | 'convex'): KneePoint | null {
  const n = Math.min(xs.length, ys.length);
  if (n < MIN_KNEE_POINTS) return null;
  for (let i = 1; i < n; i++) if (!(xs[i]! > xs[i - 1]!)) return null;
  const x0 = xs[0]!;
  const x1 = xs[n - 1]!;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ys[i]!)) return null;
    y0 = Math.min(y0, ys[i]!);
    y1 = Math.max(y1, ys[i]!);
  }
  if (!(y1 > y0)) return null;
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    const xn = (xs[i]! - x0) / (x1 - x0);
    const yn = (ys[i]! - y0) / (y1 - y0);
    // Concave increasing: the knee is where y most exceeds the diagonal; convex: where it lags most.
    d.push(shape === 'concave' ? yn - xn : xn - yn);
  }
  // Kneedle's rule: the first local maximum of the difference curve after which the curve falls
  // below T = d_max − S·(mean x spacing), S = 1, before rising to a higher maximum. The first such
  // maximum, not the global one: a noisy point past the bend must not move the knee later.
  const threshold = 1 / (n - 1);
  let best = -1;
  for (let i = 1; i < n - 1 && best < 0; i++) {
    if (!(d[i]! >= d[i - 1]! && d[i]! > d[i + 1]!) || d[i]! < MIN_KNEE_STRENGTH) continue;
    for (let j = i + 1; j < n && d[j]! <= d[i]!; j++) {
      if (d[j]! < d[i]! - threshold) {
        best = i;
        break;
      }
    }
  }
  if (best < 0) return null;
  const bestD = d[best]!;
  return { connections: xs[best]!, value: ys[best]!, strength: Math.round(bestD * 1000) / 1000 };
}
