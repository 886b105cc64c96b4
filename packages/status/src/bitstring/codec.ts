import { InflateTooLargeError, base64urlDecode, base64urlEncode, gunzipBounded, gzip } from '@divoc/keys';
import { StatusListInvalidError } from '../lib/errors.js';

/** Spec minimum (Bitstring Status List v1.0 §"Bitstring"): 16 KiB, i.e. 131 072 bits, for herd privacy. */
export const MIN_BITSTRING_BITS = 131_072;
/** Default cap on the inflated bitstring: 16 MiB (134 217 728 bits). */
export const DEFAULT_MAX_BITSTRING_BYTES = 16 * 1024 * 1024;
/**
 * Default cap on the bitstrings of all the status lists a verifier reads together (`divoc verify --status` files):
 * 64 MiB, four lists at the per-list cap or 4096 at the spec minimum. Each list stops inflating at what is left.
 */
export const DEFAULT_MAX_TOTAL_BITSTRING_BYTES = 64 * 1024 * 1024;
/**
 * Cap on the `encodedList` text. DEFLATE cannot beat ~1032:1, so a bomb is stopped by the output cap; this one
 * stops an oversized input before base64 decoding. A 16 MiB list of random bits is ~22 MiB of text.
 */
const MAX_ENCODED_CHARS = 24 * 1024 * 1024;

/** `encodedList`: multibase base64url (`u` prefix, no padding) of the GZIP of the bitstring. */
export function encodeBitstring(bits: Uint8Array): string {
  return `u${base64urlEncode(gzip(bits, { level: 9 }))}`;
}

/** Limits of `decodeBitstring`. */
export interface DecodeBitstringOptions {
  /** Largest inflated bitstring accepted, in bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Smallest accepted, in bits. Default 131 072 (the spec minimum). */
  minBits?: number;
}

/**
 * Decodes an `encodedList` into the raw bitstring. Bounded: the text is size-checked before decoding and the
 * inflate stops at `maxBytes` (streaming inflate with a byte budget), so a decompression bomb costs at most that much.
 * Throws `StatusListInvalidError`.
 */
export function decodeBitstring(encodedList: unknown, options: DecodeBitstringOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BITSTRING_BYTES;
  const minBits = options.minBits ?? MIN_BITSTRING_BITS;
  if (typeof encodedList !== 'string') throw new StatusListInvalidError('encodedList must be a string');
  if (encodedList.length > MAX_ENCODED_CHARS) {
    throw new StatusListInvalidError(
      `encodedList is ${encodedList.length} characters, over the ${MAX_ENCODED_CHARS} limit`,
    );
  }
  if (!encodedList.startsWith('u')) {
    throw new StatusListInvalidError("encodedList must be multibase base64url (start with 'u')");
  }
  let compressed: Uint8Array;
  try {
    compressed = base64urlDecode(encodedList.slice(1));
  } catch (cause) {
    throw new StatusListInvalidError('encodedList is not valid base64url', { cause });
  }
  // GZIP magic (RFC 1952): refuse raw DEFLATE / zlib streams the spec does not allow.
  if (compressed.length < 18 || compressed[0] !== 0x1f || compressed[1] !== 0x8b) {
    throw new StatusListInvalidError('encodedList is not GZIP data');
  }
  let inflated: Uint8Array;
  try {
    inflated = gunzipBounded(compressed, { maxOutput: maxBytes });
  } catch (cause) {
    if (cause instanceof InflateTooLargeError) {
      throw new StatusListInvalidError(`encodedList inflates beyond the ${maxBytes}-byte limit (decompression bomb?)`, {
        cause,
      });
    }
    throw new StatusListInvalidError('encodedList does not inflate (corrupt GZIP)', { cause });
  }
  if (inflated.length * 8 < minBits) {
    throw new StatusListInvalidError(`bitstring is ${inflated.length * 8} bits, under the ${minBits}-bit minimum`);
  }
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
}

/**
 * Reads the `size`-bit status at `index`. Bit 0 is the left-most (most significant) bit of byte 0, and a
 * multi-bit status is read most significant bit first.
 */
export function readStatus(bits: Uint8Array, index: number, size: number): number {
  let value = 0;
  const start = index * size;
  for (let i = 0; i < size; i++) {
    const position = start + i;
    const bit = (bits[position >>> 3]! >>> (7 - (position & 7))) & 1;
    value = (value << 1) | bit;
  }
  return value;
}

export function writeStatus(bits: Uint8Array, index: number, size: number, value: number): void {
  const start = index * size;
  for (let i = 0; i < size; i++) {
    const position = start + i;
    const byte = position >>> 3;
    const mask = 0x80 >>> (position & 7);
    const bit = (value >>> (size - 1 - i)) & 1;
    bits[byte] = bit ? bits[byte]! | mask : bits[byte]! & ~mask;
  }
}
