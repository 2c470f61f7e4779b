// The recorded bins of an HDR histogram (value range and count of each non-empty bin), for
// exporters that re-bucket losslessly: a bin is never split, so re-bucketed counts are exact
// at the HDR resolution. Kept apart from histogram.ts because only exporters need it.
import * as hdr from 'hdr-histogram-js';
import { createHistogram, type Histogram } from './histogram.js';

/** Called once per non-empty bin, lowest first: every value in [lowUs, highUs] counts `count` times. */
export type BinVisitor = (lowUs: number, highUs: number, count: number) => void;

function asJs(h: Histogram): hdr.JsHistogram {
  // createHistogram() builds the pure-JS implementation (no WebAssembly), whose bins are public.
  if (!(h instanceof hdr.JsHistogram)) throw new Error('histogram-bins needs a JS (non-WebAssembly) HDR histogram');
  return h;
}

/** Visits every non-empty bin of `h` in increasing value order. */
export function forEachBin(h: Histogram, visit: BinVisitor): void {
  if (h.totalCount === 0) return;
  const js = asJs(h);
  const top = js.countsArrayIndex(js.maxValue);
  for (let i = 0; i <= top; i++) {
    const count = js.getCountAtIndex(i);
    if (count === 0) continue;
    const low = js.valueFromIndex(i);
    visit(low, js.highestEquivalentValue(low), count);
  }
}

let shape: hdr.JsHistogram | null = null;

/**
 * The highest value of the bin holding `valueUs`. Every soakstorm histogram shares one shape,
 * so a bucket bound set to a bin's top never cuts a bin in two.
 */
export function binTopUs(valueUs: number): number {
  shape ??= asJs(createHistogram());
  return shape.highestEquivalentValue(Math.round(valueUs));
}
