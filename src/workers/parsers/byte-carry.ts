// A growable byte buffer owned by one parser: partial lines carried between chunks, accumulated
// SSE data, event type and id. Hot-path invariants: grows by doubling and never shrinks, so a
// steady stream allocates nothing after warm-up; no views or strings are created while appending.

/** Bytes copied with a plain loop; longer runs go through one subarray view and a native copy. */
const LOOP_COPY_MAX = 64;

/** A reusable byte accumulator: `buf[0, len)` holds the bytes, valid until the next change. */
export class ByteCarry {
  buf: Buffer;
  len = 0;

  /** Creates a carry with `initialBytes` of capacity (at least 16). */
  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  /** Appends `src[start, end)`. */
  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    const need = this.len + n;
    if (need > this.buf.length) this.#grow(need);
    const dst = this.buf;
    if (n <= LOOP_COPY_MAX) {
      let j = this.len;
      for (let i = start; i < end; i++) dst[j++] = src[i]!;
    } else {
      dst.set(src.subarray(start, end), this.len);
    }
    this.len = need;
  }

  /** Appends one byte. */
  appendByte(b: number): void {
    if (this.len + 1 > this.buf.length) this.#grow(this.len + 1);
    this.buf[this.len++] = b;
  }

  /** Replaces the contents with `other`'s bytes. */
  copyFrom(other: ByteCarry): void {
    this.len = 0;
    this.append(other.buf, 0, other.len);
  }

  /** True when both carries hold the same bytes. */
  equals(other: ByteCarry): boolean {
    if (this.len !== other.len) return false;
    for (let i = 0; i < this.len; i++) if (this.buf[i] !== other.buf[i]) return false;
    return true;
  }

  #grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    if (this.len > 0) this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

/** Wraps a Uint8Array as a Buffer over the same memory (no copy); Buffers pass through. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** True when `b[s, s + len)` equals `name`. */
export function bytesEqual(b: Uint8Array, s: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if (b[s + i] !== name[i]) return false;
  return true;
}
