import { EncodingError } from '../lib/errors.js';

/** Bitcoin base58 alphabet (used by multibase 'z', did:key and the 2018 signature suites). */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

/**
 * Base58 conversion is quadratic in the input length; keys and signatures are < 200 characters,
 * so refusing very long input keeps a hostile string from turning into a CPU hang.
 */
export const BASE58_MAX_LENGTH = 8192;

// Both directions work on wide limbs rather than single digits (58^5 per limb when encoding, 2^24 when decoding,
// two input bytes or four input characters per step): ~10x fewer multiply-carry steps, every intermediate stays
// below 2^53 so plain numbers are exact. A 64-byte signature is on the hot path of every compact QR.
const B58_5 = 656_356_768; // 58^5
const B58_POW = [1, 58, 3364, 195_112, 11_316_496];
const TWO_24 = 16_777_216;

/**
 * `limbs` (little-endian digits in base `base`) becomes `limbs × multiplier + carry`, in place. The callers keep
 * every product below 2^53, so plain numbers are exact.
 */
function mulAdd(limbs: number[], base: number, multiplier: number, carry: number): void {
  for (let j = 0; j < limbs.length; j++) {
    const x = limbs[j]! * multiplier + carry;
    carry = Math.floor(x / base);
    limbs[j] = x - carry * base;
  }
  while (carry > 0) {
    const next = Math.floor(carry / base);
    limbs.push(carry - next * base);
    carry = next;
  }
}

/**
 * Base58 (Bitcoin alphabet) text of `bytes`, leading zero bytes as `1`s. Throws `EncodingError` for a non-Uint8Array.
 */
export function base58btcEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base58btc: input must be a Uint8Array');
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const limbs: number[] = []; // little-endian, base 58^5
  let i = zeros;
  // Each step: limbs × 2^8 or 2^16 + the bytes, < 58^5 * 2^16 + 2^16 < 2^53.
  if ((bytes.length - zeros) % 2 === 1) mulAdd(limbs, B58_5, 256, bytes[i++]!);
  for (; i < bytes.length; i += 2) mulAdd(limbs, B58_5, 65_536, bytes[i]! * 256 + bytes[i + 1]!);
  let out = '1'.repeat(zeros);
  for (let k = limbs.length - 1; k >= 0; k--) {
    let limb = limbs[k]!;
    let chunk = '';
    // The top limb has no leading zero digits; the others are written as exactly five digits.
    for (let d = 0; d < 5 && (limb > 0 || k < limbs.length - 1); d++) {
      const digit = limb % 58;
      chunk = ALPHABET[digit]! + chunk;
      limb = (limb - digit) / 58;
    }
    out += chunk;
  }
  return out;
}

/**
 * The bytes of Base58 (Bitcoin alphabet) text. Throws `EncodingError` for a character outside the alphabet or text
 * longer than `maxLength`.
 */
export function base58btcDecode(text: string, options: { maxLength?: number } = {}): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base58btc: input must be a string');
  const max = options.maxLength ?? BASE58_MAX_LENGTH;
  if (text.length > max) throw new EncodingError(`base58btc: input longer than ${max} characters`);
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  const limbs: number[] = []; // little-endian, base 2^24
  const digitAt = (i: number) => {
    const code = text.charCodeAt(i);
    const value = code < 128 ? INDEX[code]! : -1;
    if (value < 0) throw new EncodingError(`base58btc: invalid character at position ${i}`);
    return value;
  };
  let i = zeros;
  const first = (text.length - zeros) % 4;
  for (let group = first === 0 ? 4 : first; i < text.length; group = 4) {
    let value = 0;
    for (let g = 0; g < group; g++) value = value * 58 + digitAt(i++);
    // limbs × 58^group + the digits, < 2^24 * 58^4 + 2^24 < 2^53.
    mulAdd(limbs, TWO_24, B58_POW[group] ?? 11_316_496, value);
  }
  const body: number[] = [];
  for (let k = limbs.length - 1; k >= 0; k--) {
    const limb = limbs[k]!;
    body.push(limb >>> 16, (limb >>> 8) & 0xff, limb & 0xff);
  }
  let skip = 0;
  while (skip < body.length && body[skip] === 0) skip++; // only the top limb can have leading zero bytes
  const out = new Uint8Array(zeros + body.length - skip);
  for (let k = skip; k < body.length; k++) out[zeros + k - skip] = body[k]!;
  return out;
}
