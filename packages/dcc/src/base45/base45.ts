import { DccBase45Error } from '../lib/errors.js';

/** RFC 9285 alphabet: value = index. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const latin1 = new TextDecoder('latin1');

/** Base45 (RFC 9285) text of `bytes`: each 2 bytes → 3 characters, a last odd byte → 2 characters. */
export function base45Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base45Encode expects a Uint8Array');
  // Character codes into one buffer, decoded once (all ASCII), instead of growing a string three characters at a time.
  const out = new Uint8Array(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
  let o = 0;
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const n = (bytes[i]! << 8) | bytes[i + 1]!;
    // n = c + 45·d + 2025·e. Divisions by 45 as multiply-and-shift (exact for n < 65536, and for q < 1457), which
    // spares two floating-point divisions per pair.
    const q = Math.imul(n, 11651) >>> 19;
    const e = Math.imul(q, 1457) >>> 16;
    out[o++] = CODES[n - q * 45]!;
    out[o++] = CODES[q - e * 45]!;
    out[o++] = CODES[e]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    const d = (n / 45) | 0;
    out[o++] = CODES[n - d * 45]!;
    out[o++] = CODES[d]!;
  }
  return latin1.decode(out);
}

function value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? VALUE[code]! : -1;
  if (v < 0) {
    const shown = JSON.stringify(text[index]);
    throw new DccBase45Error(`character ${shown} at position ${index} is not in the Base45 alphabet`);
  }
  return v;
}

/**
 * Bytes of Base45 text, strictly: only the 45 upper-case alphabet characters (no lower case, no whitespace),
 * a length that is not 1 mod 3, and chunks that fit their byte count (RFC 9285 section 4.2).
 */
export function base45Decode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new DccBase45Error('Base45 input must be a string');
  if (text.length % 3 === 1) throw new DccBase45Error(`Base45 text length ${text.length} is invalid (a trailing single character)`);
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const v0 = VALUE[c0 & 127]!;
    const v1 = VALUE[c1 & 127]!;
    const v2 = VALUE[c2 & 127]!;
    // One test for the three characters; on failure `value` finds the first bad one and throws.
    if ((c0 | c1 | c2) > 127 || (v0 | v1 | v2) < 0) {
      value(text, i);
      value(text, i + 1);
      value(text, i + 2);
    }
    const n = v0 + v1 * 45 + v2 * 2025;
    if (n > 0xffff) throw new DccBase45Error(`Base45 chunk at position ${i} decodes to ${n}, over 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = value(text, i) + value(text, i + 1) * 45;
    if (n > 0xff) throw new DccBase45Error(`Base45 final chunk at position ${i} decodes to ${n}, over 255`);
    out[o++] = n;
  }
  return out;
}
