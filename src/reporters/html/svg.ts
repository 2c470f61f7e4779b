// Inline SVG chart primitives (line chart over time, stacked bar chart), rendered in Node so the
// report needs no script and no library at view time: nothing can fail to load offline.
import { html, raw, type SafeHtml } from './escape.js';

/** Chart viewBox size, shared by charts built elsewhere from these primitives. */
export const W = 900;
export const H = 260;
const M = { left: 70, right: 16, top: 30, bottom: 34 } as const;
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** One line; a null y breaks the line (no sample in that tick). */
export interface Series {
  name: string;
  color: string;
  points: [number, number | null][];
  dashed?: boolean;
}
/** A shaded x range (a run phase). */
export interface Band {
  from: number;
  to: number;
  label: string;
  color: string;
}
/** A vertical marker (a storm, a give-up) with its tooltip text. */
export interface Marker {
  x: number;
  label: string;
}

/** Options of a line chart; formatters turn axis values into tick labels. */
export interface LineChartOptions {
  id: string;
  title: string;
  series: Series[];
  bands?: Band[];
  markers?: Marker[];
  xFormat?: (x: number) => string;
  yFormat: (y: number) => string;
  /** Custom x ticks (value, label), e.g. for a log-percentile axis. */
  xTicks?: [number, string][];
  xLabel?: string;
  /** Unit the y ticks are made "nice" in (e.g. 1 MiB for bytes), so ticks read 32 MB, 64 MB. */
  yTickUnit?: number;
}

/** "Nice" tick values covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if (out[out.length - 1]! < max) out.push(out[out.length - 1]! + step);
  return out;
}

/** One decimal, the precision of every coordinate. */
export const n2 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** The figure + svg wrapper every chart uses (title, legend, body). */
export function frame(id: string, title: string, body: SafeHtml | SafeHtml[], legend: SafeHtml[] = []): SafeHtml {
  return html`<figure class="chart" data-chart="${id}"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><text class="chart-title" x="${M.left}" y="18">${title}</text>${legend}${body}</svg></figure>`;
}

const textW = (s: string, px = 6.6): number => s.length * px;

/** Legend at the top right; when it would run into the title it moves to the bottom left. */
export function legendItems(series: { name: string; color: string }[], title: string): SafeHtml[] {
  const widths = series.map((s) => 28 + textW(s.name));
  const total = widths.reduce((a, b) => a + b, 0);
  const top = W - M.right - total > M.left + textW(title, 7.4) + 12;
  let x = top ? W - M.right - total : M.left;
  const y = top ? 9 : H - 13;
  return series.map((s, i) => {
    const item = html`<g class="legend"><rect x="${n2(x)}" y="${y}" width="12" height="10" fill="${s.color}"></rect><text x="${n2(x + 16)}" y="${y + 9}">${s.name}</text></g>`;
    x += widths[i]!;
    return item;
  });
}

function empty(id: string, title: string, why: string): SafeHtml {
  return frame(id, title, html`<text class="no-data" x="${W / 2}" y="${H / 2}" text-anchor="middle">${why}</text>`);
}

/** A line chart with phase bands, event markers, gridlines and a legend; "no data" when every series is empty. */
export function lineChart(o: LineChartOptions): SafeHtml {
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.flatMap((p) => (p[1] === null || !Number.isFinite(p[1]) ? [] : [p[1]])));
  if (ys.length === 0) return empty(o.id, o.title, 'no data recorded');
  const x0 = Math.min(...xs, ...(o.bands ?? []).map((b) => b.from));
  const x1 = Math.max(...xs, ...(o.bands ?? []).map((b) => b.to));
  const unit = o.yTickUnit ?? 1;
  const yTicks = niceTicks(Math.min(0, ...ys) / unit, Math.max(...ys) / unit).map((t) => t * unit);
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const sx = (x: number): number => M.left + ((x - x0) / (x1 - x0 || 1)) * PW;
  const sy = (y: number): number => M.top + PH - ((y - y0) / (y1 - y0 || 1)) * PH;
  const bands = (o.bands ?? []).map((b) => {
    const w = Math.max(0, sx(b.to) - sx(b.from));
    const label = w >= textW(b.label, 5.6) + 6 ? html`<text class="band-label" x="${n2(sx(b.from) + 3)}" y="${M.top + 11}">${b.label}</text>` : '';
    return html`<rect class="band" x="${n2(sx(b.from))}" y="${M.top}" width="${n2(w)}" height="${PH}" fill="${b.color}"><title>${b.label}</title></rect>${label}`;
  });
  const grid = yTicks.map((t) => html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${n2(sy(t))}" y2="${n2(sy(t))}"></line><text class="tick" x="${M.left - 6}" y="${n2(sy(t) + 4)}" text-anchor="end">${o.yFormat(t)}</text>`);
  const xTickList = o.xTicks ?? niceTicks(x0, x1, 8).filter((t) => t >= x0 && t <= x1).map((t): [number, string] => [t, (o.xFormat ?? String)(t)]);
  const xAxis = xTickList.map(([t, label]) => html`<text class="tick" x="${n2(sx(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${label}</text>`);
  const markers = (o.markers ?? []).map((mk) => html`<line class="marker" x1="${n2(sx(mk.x))}" x2="${n2(sx(mk.x))}" y1="${M.top}" y2="${M.top + PH}"><title>${mk.label}</title></line>`);
  const paths = o.series.map((s) => {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${n2(sx(x))} ${n2(sy(y))}`;
      pen = true;
    }
    return d === '' ? raw('') : html`<path class="series${s.dashed ? ' dashed' : ''}" d="${d}" stroke="${s.color}"><title>${s.name}</title></path>`;
  });
  const axes = html`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"></line>${o.xLabel ? html`<text class="tick" x="${W - M.right}" y="${H - 4}" text-anchor="end">${o.xLabel}</text>` : ''}`;
  return frame(o.id, o.title, [...bands, ...grid, axes, ...xAxis, ...markers, ...paths], legendItems(o.series, o.title));
}

/** One bar: a category label and stacked segments. */
export interface Bar {
  label: string;
  segments: { name: string; value: number; color: string }[];
}

/** A vertical stacked bar chart; labels are thinned to fit; "no data" when every bar is zero. */
export function barChart(id: string, title: string, bars: Bar[], yFormat: (y: number) => string, xLabel = ''): SafeHtml {
  const totals = bars.map((b) => b.segments.reduce((s, g) => s + g.value, 0));
  if (bars.length === 0 || Math.max(...totals) <= 0) return empty(id, title, 'no data recorded');
  const yTicks = niceTicks(0, Math.max(...totals));
  const y1 = yTicks[yTicks.length - 1]!;
  const sy = (y: number): number => M.top + PH - (y / y1) * PH;
  const slot = PW / bars.length;
  const barW = Math.max(1, slot * 0.8);
  const every = Math.ceil(bars.length / 16);
  const grid = yTicks.map((t) => html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${n2(sy(t))}" y2="${n2(sy(t))}"></line><text class="tick" x="${M.left - 6}" y="${n2(sy(t) + 4)}" text-anchor="end">${yFormat(t)}</text>`);
  const rects = bars.map((b, i) => {
    let acc = 0;
    const x = M.left + i * slot + (slot - barW) / 2;
    const segs = b.segments.filter((g) => g.value > 0).map((g) => {
      const top = sy(acc + g.value);
      const h = sy(acc) - top;
      acc += g.value;
      return html`<rect class="bar" x="${n2(x)}" y="${n2(top)}" width="${n2(barW)}" height="${n2(Math.max(h, 0.5))}" fill="${g.color}"><title>${b.label} · ${g.name}: ${yFormat(g.value)}</title></rect>`;
    });
    const label = i % every === 0 ? html`<text class="tick" x="${n2(x + barW / 2)}" y="${H - M.bottom + 16}" text-anchor="middle">${b.label}</text>` : '';
    return html`${segs}${label}`;
  });
  const names = new Map<string, string>();
  for (const b of bars) for (const g of b.segments) if (g.value > 0) names.set(g.name, g.color);
  // A single-colour chart needs no legend (its bins are named in tooltips).
  if (new Set(names.values()).size < 2) names.clear();
  const legend = names.size > 1 ? legendItems([...names].map(([name, color]) => ({ name, color })), title) : [];
  const axis = html`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"></line>${xLabel ? html`<text class="tick" x="${W - M.right}" y="${H - 4}" text-anchor="end">${xLabel}</text>` : ''}`;
  return frame(id, title, [...grid, axis, ...rects], legend);
}
