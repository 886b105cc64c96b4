/**
 * The CBOR (RFC 8949) writing the formats share: a growable buffer and the deterministic forms every encoder here
 * writes (shortest heads, definite lengths, float64 for what is not an integer). Each format builds its writer on it:
 * `@divoc/dcc` (COSE_Sign1 and JSON payloads, byte for byte what cbor-x writes) and the compact credential codec of
 * `@divoc/vc` (through `CborValueWriter`). General CBOR is read with cbor-x; a format that must refuse more than
 * cbor-x does (non-minimal heads, indefinite lengths, unknown simple values) reads with `decodeCborStrict`
 * (`cbor-strict.ts`).
 */

/** Major types, already in the top three bits of the initial byte (`head(CBOR_MAJOR.map, n)`). */
export const CBOR_MAJOR = Object.freeze({
  unsigned: 0x00,
  negative: 0x20,
  bytes: 0x40,
  text: 0x60,
  array: 0x80,
  map: 0xa0,
  tag: 0xc0,
} as const);

const textEncoder = new TextEncoder();

/**
 * A growable byte buffer with CBOR item writers in their deterministic (shortest) forms; `bytes()` returns what was
 * written.
 */
export class CborBuffer {
  protected buf: Uint8Array;
  protected view: DataView;
  protected pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Start again at the beginning (the buffer is kept). */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** A copy of the bytes written since the last reset. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Grows the buffer so that `extra` more bytes fit. */
  protected ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Major type (a `CBOR_MAJOR` value) with argument `n`, a non-negative safe integer, in its shortest form. */
  head(major: number, n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 24) b[this.pos++] = major | n;
    else if (n < 0x100) {
      b[this.pos++] = major | 24;
      b[this.pos++] = n;
    } else if (n < 0x10000) {
      b[this.pos++] = major | 25;
      b[this.pos++] = n >>> 8;
      b[this.pos++] = n & 0xff;
    } else if (n < 0x100000000) {
      b[this.pos++] = major | 26;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    } else {
      b[this.pos++] = major | 27;
      this.view.setUint32(this.pos, Math.floor(n / 0x100000000));
      this.view.setUint32(this.pos + 4, n >>> 0);
      this.pos += 8;
    }
  }

  /** Bytes as they are (an item encoded elsewhere, or a fixed prefix). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A byte string (major type 2). */
  byteString(bytes: Uint8Array): void {
    this.head(CBOR_MAJOR.bytes, bytes.length);
    this.raw(bytes);
  }

  /** A safe integer as a major type 0 or 1 item. */
  integer(n: number): void {
    if (n >= 0) this.head(CBOR_MAJOR.unsigned, n);
    else this.head(CBOR_MAJOR.negative, -1 - n);
  }

  /** A text string (UTF-8). */
  text(s: string): void {
    const length = s.length;
    // ASCII fast path: one byte per UTF-16 unit, written straight after a head sized for `length`.
    this.ensure(length + 9);
    const start = this.pos;
    this.head(CBOR_MAJOR.text, length);
    const b = this.buf;
    let p = this.pos;
    let i = 0;
    for (; i < length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i === length) {
      this.pos = p;
      return;
    }
    // Non-ASCII: encode the whole string as UTF-8 and rewrite the head for its byte length.
    this.pos = start;
    const utf8 = textEncoder.encode(s);
    this.head(CBOR_MAJOR.text, utf8.length);
    this.raw(utf8);
  }

  /** A number as a float64 item (0xfb), whatever its value. */
  float64(value: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xfb;
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /** `false`, `true` or `null`. */
  simple(value: boolean | null): void {
    this.ensure(1);
    this.buf[this.pos++] = value === null ? 0xf6 : value ? 0xf5 : 0xf4;
  }
}
