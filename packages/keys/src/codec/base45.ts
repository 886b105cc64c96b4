import { EncodingError } from '../lib/errors.js';

/**
 * Base45 (RFC 9285), the SDK's one implementation: the EU DCC `HC1:` body and the compact W3C credential QR both use
 * it. Its 45 characters are exactly the QR code alphanumeric set. Errors are `EncodingError` (`ERR_ENCODING_INVALID`);
 * format packages re-throw them as their own typed errors.
 */

/** RFC 9285 alphabet: value = index. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const latin1 = new TextDecoder('latin1');

/** Base45 (RFC 9285) text of `bytes`: each 2 bytes → 3 characters, a last odd byte → 2 characters. */
export function base45Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base45: input must be a Uint8Array');
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

/** Options of `base45Decode`. */
export interface Base45DecodeOptions {
  /** Builds the error thrown for malformed text (a format package's own typed error). Default `EncodingError`. */
  fail?: (message: string) => Error;
}

const encodingError = (message: string): Error => new EncodingError(message);

function value(text: string, index: number, fail: (message: string) => Error): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? VALUE[code]! : -1;
  if (v < 0) throw fail(`character ${JSON.stringify(text[index])} at position ${index} is not in the Base45 alphabet`);
  return v;
}

/**
 * Bytes of Base45 text, strictly: only the 45 upper-case alphabet characters (no lower case, no whitespace),
 * a length that is not 1 mod 3, and chunks that fit their byte count (RFC 9285 section 4.2).
 */
export function base45Decode(text: string, options: Base45DecodeOptions = {}): Uint8Array {
  const fail = options.fail ?? encodingError;
  if (typeof text !== 'string') throw fail('Base45 input must be a string');
  if (text.length % 3 === 1) throw fail(`Base45 text length ${text.length} is invalid (a trailing single character)`);
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
      value(text, i, fail);
      value(text, i + 1, fail);
      value(text, i + 2, fail);
    }
    const n = v0 + v1 * 45 + v2 * 2025;
    if (n > 0xffff) throw fail(`Base45 chunk at position ${i} decodes to ${n}, over 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = value(text, i, fail) + value(text, i + 1, fail) * 45;
    if (n > 0xff) throw fail(`Base45 final chunk at position ${i} decodes to ${n}, over 255`);
    out[o++] = n;
  }
  return out;
}
