// A line chart against connections with a second y axis on the right (memory, throughput), points
// drawn at each step, vertical markers (knee, SLO limit) and an optional shaded x range (the gap
// between the last passing and the first failing step). Built from reporters/html/svg.ts pieces.
import { html, raw, type SafeHtml } from '../html/escape.js';
import { H, W, frame, legendItems, n2, niceTicks } from '../html/svg.js';

const M = { left: 70, right: 76, top: 30, bottom: 34 } as const;
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** One line of the chart on the left or right axis. */
export interface AxisSeries {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Draw a dot at every point (measured steps); fitted curves have none. */
  dots?: boolean;
}

/** Options of a dual-axis chart. */
export interface DualAxisOptions {
  id: string;
  title: string;
  left: { series: AxisSeries[]; format: (y: number) => string; tickUnit?: number };
  right?: { series: AxisSeries[]; format: (y: number) => string; tickUnit?: number };
  /** Vertical lines with a label drawn at the top. */
  markers?: { x: number; label: string; color: string }[];
  /** Horizontal lines on the left axis (an SLO bound). */
  rules?: { y: number; label: string; color: string }[];
  shade?: { from: number; to: number; label: string };
  xFormat: (x: number) => string;
  xLabel: string;
}

function range(series: AxisSeries[], extra: number[] = [], unit = 1): number[] {
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), ...extra].filter(Number.isFinite);
  return ys.length === 0 ? [0, 1] : niceTicks(Math.min(0, ...ys) / unit, Math.max(...ys) / unit).map((t) => t * unit);
}

/** The chart; "no data" when the left axis has nothing to draw. */
export function dualAxisChart(o: DualAxisOptions): SafeHtml {
  const all = [...o.left.series, ...(o.right?.series ?? [])];
  const xs = all.flatMap((s) => s.points.map((p) => p[0]));
  if (o.left.series.every((s) => s.points.length === 0) || xs.length === 0) {
    return frame(o.id, o.title, html`<text class="no-data" x="${W / 2}" y="${H / 2}" text-anchor="middle">no step measured</text>`);
  }
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(...xs, ...(o.markers ?? []).map((m) => m.x), o.shade?.to ?? 0);
  const xTicks = niceTicks(x0, x1, 8);
  const xMax = xTicks.at(-1)!;
  const lt = range(o.left.series, (o.rules ?? []).map((r) => r.y), o.left.tickUnit);
  const rt = o.right ? range(o.right.series, [], o.right.tickUnit) : [];
  const sx = (x: number): number => M.left + ((x - x0) / (xMax - x0 || 1)) * PW;
  const scaleY = (t: number[]) => (y: number): number => M.top + PH - ((y - t[0]!) / (t.at(-1)! - t[0]! || 1)) * PH;
  const syL = scaleY(lt);
  const syR = scaleY(rt.length > 0 ? rt : [0, 1]);
  const parts: SafeHtml[] = [];
  if (o.shade) {
    const w = Math.max(1, sx(o.shade.to) - sx(o.shade.from));
    parts.push(html`<rect class="band" x="${n2(sx(o.shade.from))}" y="${M.top}" width="${n2(w)}" height="${PH}" fill="#f7d4d4"><title>${o.shade.label}</title></rect>`);
  }
  for (const t of lt) parts.push(html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${n2(syL(t))}" y2="${n2(syL(t))}"></line><text class="tick" x="${M.left - 6}" y="${n2(syL(t) + 4)}" text-anchor="end">${o.left.format(t)}</text>`);
  if (o.right) for (const t of rt) parts.push(html`<text class="tick" x="${W - M.right + 6}" y="${n2(syR(t) + 4)}" text-anchor="start">${o.right.format(t)}</text>`);
  for (const t of xTicks) parts.push(html`<text class="tick" x="${n2(sx(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${o.xFormat(t)}</text>`);
  parts.push(html`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"></line><text class="tick" x="${W - M.right}" y="${H - 4}" text-anchor="end">${o.xLabel}</text>`);
  for (const r of o.rules ?? []) parts.push(html`<line x1="${M.left}" x2="${W - M.right}" y1="${n2(syL(r.y))}" y2="${n2(syL(r.y))}" stroke="${r.color}" stroke-dasharray="6 3"><title>${r.label}</title></line><text class="tick" x="${W - M.right - 4}" y="${n2(syL(r.y) + 13)}" text-anchor="end" fill="${r.color}">${r.label}</text>`);
  for (const m of o.markers ?? []) parts.push(html`<line x1="${n2(sx(m.x))}" x2="${n2(sx(m.x))}" y1="${M.top}" y2="${M.top + PH}" stroke="${m.color}" stroke-width="1.4" stroke-dasharray="4 3"><title>${m.label}</title></line><text class="tick" x="${n2(sx(m.x) + 4)}" y="${M.top + 12}" fill="${m.color}">${m.label}</text>`);
  const draw = (s: AxisSeries, sy: (y: number) => number): SafeHtml => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return raw('');
    const d = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n2(sx(x))} ${n2(sy(y))}`).join('');
    const dots = s.dots ? pts.map(([x, y]) => html`<circle cx="${n2(sx(x))}" cy="${n2(sy(y))}" r="2.6" fill="${s.color}"></circle>`) : [];
    return html`<path class="series${s.dashed ? ' dashed' : ''}" d="${d}" stroke="${s.color}"><title>${s.name}</title></path>${dots}`;
  };
  for (const s of o.left.series) parts.push(draw(s, syL));
  for (const s of o.right?.series ?? []) parts.push(draw(s, syR));
  return frame(o.id, o.title, parts, legendItems(all.map((s) => ({ name: s.name, color: s.color })), o.title));
}
