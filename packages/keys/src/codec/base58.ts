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

export function base58btcEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base58btc: input must be a Uint8Array');
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Digits in base 58, little-endian. log(256)/log(58) ≈ 1.366.
  const digits = new Uint8Array(Math.ceil((bytes.length - zeros) * 1.366) + 1);
  let used = 0;
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    let j = 0;
    for (; j < used || carry !== 0; j++) {
      carry += (digits[j] ?? 0) * 256;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    used = j;
  }
  let out = '1'.repeat(zeros);
  for (let k = used - 1; k >= 0; k--) out += ALPHABET[digits[k]!];
  return out;
}

export function base58btcDecode(text: string, options: { maxLength?: number } = {}): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base58btc: input must be a string');
  const max = options.maxLength ?? BASE58_MAX_LENGTH;
  if (text.length > max) throw new EncodingError(`base58btc: input longer than ${max} characters`);
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  // log(58)/log(256) ≈ 0.733
  const bytes = new Uint8Array(Math.ceil((text.length - zeros) * 0.733) + 1);
  let used = 0;
  for (let i = zeros; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? INDEX[code]! : -1;
    if (value < 0) throw new EncodingError(`base58btc: invalid character at position ${i}`);
    let carry = value;
    let j = 0;
    for (; j < used || carry !== 0; j++) {
      carry += (bytes[j] ?? 0) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    used = j;
  }
  const out = new Uint8Array(zeros + used);
  for (let k = 0; k < used; k++) out[zeros + k] = bytes[used - 1 - k]!;
  return out;
}
