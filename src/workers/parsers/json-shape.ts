// A cheap framing check for one NDJSON line: does it look like exactly one JSON value? Catches
// truncated, concatenated ("{..}{..}") and non-JSON lines in one pass over the bytes without
// decoding; it does not check commas, colons or escapes (that is what 'full' validation is for).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const MAX_DEPTH = 512;

// Expected closers by depth; shared by every caller on this thread (the check never re-enters).
const closers = new Uint8Array(MAX_DEPTH);

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function matchesWord(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word.charCodeAt(i)) return false;
  return true;
}

function isNumberBytes(b: Uint8Array, s: number, e: number): boolean {
  const c0 = b[s]!;
  if (c0 !== 0x2d && (c0 < 0x30 || c0 > 0x39)) return false;
  for (let i = s + 1; i < e; i++) {
    const c = b[i]!;
    if ((c < 0x30 || c > 0x39) && c !== 0x2e && c !== 0x65 && c !== 0x45 && c !== 0x2b && c !== 0x2d) return false;
  }
  return true;
}

/** Index after the string whose opening quote is at `i - 1`, or -1 when it is not closed before `e`. */
function skipString(b: Uint8Array, i: number, e: number): number {
  while (i < e) {
    const c = b[i]!;
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else if (c < 0x20) return -1; // raw control characters are not allowed inside JSON strings
    else i++;
  }
  return -1;
}

/** True when `b[start, end)` holds one balanced JSON object, array, string, number or literal. */
export function isJsonShaped(b: Uint8Array, start: number, end: number): boolean {
  let s = start;
  let e = end;
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  if (s === e) return false;
  const c0 = b[s]!;
  if (c0 === QUOTE) return skipString(b, s + 1, e) === e;
  if (c0 !== OPEN_OBJ && c0 !== OPEN_ARR) {
    return matchesWord(b, s, e, 'true') || matchesWord(b, s, e, 'false') || matchesWord(b, s, e, 'null') || isNumberBytes(b, s, e);
  }
  let depth = 0;
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c === QUOTE) {
      i = skipString(b, i + 1, e);
      if (i < 0) return false;
      continue;
    }
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (depth < MAX_DEPTH) closers[depth] = c === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR;
      depth++;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      depth--;
      if (depth < 0 || (depth < MAX_DEPTH && closers[depth] !== c)) return false;
      if (depth === 0) return i === e - 1;
    }
    i++;
  }
  return false;
}
