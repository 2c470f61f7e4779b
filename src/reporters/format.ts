// Small number and table formatting shared by the terminal reporters.
import { styleText } from 'node:util';

/** 1234567 → "1,234,567"; fractions keep up to `digits` decimals. */
export function num(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Bytes with a binary unit: "1.9 MB". */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Milliseconds with sensible precision: 0.412, 12.3, 1,234. */
export function ms(n: number): string {
  if (n < 10) return n.toFixed(3);
  if (n < 1000) return n.toFixed(1);
  return num(Math.round(n));
}

/** Right-aligned columns; the first column left-aligned. */
export function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** Colours only on a TTY without NO_COLOR (util.styleText checks neither by itself on Node 20). */
export function colour(stream: NodeJS.WriteStream, style: 'red' | 'green' | 'yellow' | 'bold' | 'dim', text: string): string {
  if (!stream.isTTY || process.env['NO_COLOR'] !== undefined) return text;
  return styleText(style, text);
}
