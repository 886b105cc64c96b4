import { base45Decode as decode, base45Encode as encode } from '@divoc/keys';
import { DccBase45Error } from '../lib/errors.js';

/** Base45 (RFC 9285) text of `bytes`: `base45Encode` of `@divoc/keys`. */
export function base45Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base45Encode expects a Uint8Array');
  return encode(bytes);
}

const fail = (message: string): Error => new DccBase45Error(message);

/**
 * Bytes of Base45 text, strictly (`base45Decode` of `@divoc/keys`: only the 45 upper-case alphabet characters, a
 * length that is not 1 mod 3, chunks that fit their byte count), throwing `DccBase45Error`.
 */
export function base45Decode(text: string): Uint8Array {
  return decode(text, { fail });
}
