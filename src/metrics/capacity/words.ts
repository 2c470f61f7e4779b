// Number wording shared by the planning line and step reasons (metrics may not import reporters).

/** 18000 → "18,000". */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes in binary units with two or three significant digits: "9.1 KB", "1.6 GB". */
export function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = Math.abs(v) >= 100 || u === 0 ? Math.round(v).toString() : v.toFixed(1);
  return `${text} ${units[u]}`;
}

/** 0.3 → "30%". */
export function fmtShare(f: number): string {
  return `${Math.round(f * 1000) / 10}%`;
}
