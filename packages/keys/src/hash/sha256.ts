import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { utf8Encode } from '../lib/bytes.js';

/** SHA-256, synchronous and runtime-neutral (@noble/hashes). Strings are hashed as UTF-8. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return nobleSha256(typeof data === 'string' ? utf8Encode(data) : data);
}

/** HMAC-SHA-256, synchronous and runtime-neutral. */
export function hmacSha256(key: Uint8Array, data: Uint8Array | string): Uint8Array {
  return hmac(nobleSha256, key, typeof data === 'string' ? utf8Encode(data) : data);
}
