// Turns the bytes of an offending line into a short, printable, single-line sample for reports.
// Only called on parse errors (never per event); invalid UTF-8 shows as \xNN so a split
// multi-byte character is visible instead of silently becoming U+FFFD.

/** Default number of characters a sample keeps before it is cut. */
export const SAMPLE_MAX_CHARS = 80;

const HEX = '0123456789abcdef';

function hexByte(b: number): string {
  return '\\x' + HEX[b >> 4]! + HEX[b & 15]!;
}

/** Length of the valid UTF-8 sequence at `i` (1-4), or 0 when the bytes there are not one. */
function utf8Length(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) (n = 2), (min = 0x80);
  else if (c >= 0xe0 && c <= 0xef) (n = 3), (min = 0x800);
  else if (c >= 0xf0 && c <= 0xf4) (n = 4), (min = 0x10000);
  else return 0;
  if (i + n > end) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const cc = b[i + k]!;
    if ((cc & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

function escapeCodePoint(cp: number): string {
  switch (cp) {
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
  }
  if (cp < 0x20 || cp === 0x7f) return hexByte(cp);
  if ((cp >= 0x80 && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
    return '\\u' + cp.toString(16).padStart(4, '0');
  }
  return String.fromCodePoint(cp);
}

/**
 * Escaped text of `bytes[start, end)`: control characters as \n, \r, \t or \xNN, invalid UTF-8
 * bytes as \xNN, cut after `maxChars` characters with `… (N bytes)` giving the full length.
 */
export function escapeSample(bytes: Uint8Array, start: number, end: number, maxChars = SAMPLE_MAX_CHARS): string {
  let out = '';
  let chars = 0;
  let i = start;
  while (i < end && chars < maxChars) {
    const c = bytes[i]!;
    if (c < 0x80) {
      out += escapeCodePoint(c);
      i++;
    } else {
      const n = utf8Length(bytes, i, end);
      if (n === 0) {
        out += hexByte(c);
        i++;
      } else {
        let cp = c & (0xff >> (n + 1));
        for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
        out += escapeCodePoint(cp);
        i += n;
      }
    }
    chars++;
  }
  if (i < end) out += `… (${end - start} bytes)`;
  return out;
}
