// Universal Scalability Law (Gunther): X(N) = λN / (1 + σ(N−1) + κN(N−1)), σ contention, κ
// coherency. Fitted by the usual linearisation: with λ from the lightest step, N·λ/X − 1 =
// σ(N−1) + κN(N−1) = (σ+κ)·x + κ·x² for x = N−1, a least-squares quadratic through the origin.
// The peak N* = √((1−σ)/κ) is reported flagged as an extrapolation when it lies past the data.

import type { UslFit } from './types.js';

/** Fewer points cannot separate σ from κ. */
export const MIN_USL_POINTS = 4;

/** Fits the USL to (connections, msgs/s) points; null with too few points or no throughput. */
export function fitUsl(ns: readonly number[], xs: readonly number[]): UslFit | null {
  const pts = ns.map((n, i) => [n, xs[i]!] as const).filter(([n, x]) => n > 0 && x > 0);
  if (pts.length < MIN_USL_POINTS) return null;
  const [n0, x0] = pts[0]!;
  const lambda = x0 / n0;
  // Normal equations of y = a·u + b·u² (no intercept).
  let suu = 0, su3 = 0, su4 = 0, suy = 0, su2y = 0;
  for (const [n, x] of pts) {
    const u = n - 1;
    const y = (lambda * n) / x - 1;
    suu += u * u;
    su3 += u * u * u;
    su4 += u * u * u * u;
    suy += u * y;
    su2y += u * u * y;
  }
  const det = suu * su4 - su3 * su3;
  if (!(Math.abs(det) > 0)) return null;
  const a = (suy * su4 - su2y * su3) / det;
  const b = (suu * su2y - su3 * suy) / det;
  const kappa = b;
  const sigma = a - b;
  const model = (n: number): number => (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  const mean = pts.reduce((s, [, x]) => s + x, 0) / pts.length;
  let ssRes = 0, ssTot = 0;
  for (const [n, x] of pts) {
    ssRes += (x - model(n)) ** 2;
    ssTot += (x - mean) ** 2;
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : 1;
  const maxN = Math.max(...pts.map(([n]) => n));
  const peak = kappa > 0 && sigma < 1 ? Math.sqrt((1 - sigma) / kappa) : null;
  return {
    lambda,
    sigma,
    kappa,
    peakConnections: peak === null ? null : Math.round(peak),
    peakMsgsPerSec: peak === null ? null : model(peak),
    r2,
    extrapolation: peak !== null && peak > maxN,
  };
}
