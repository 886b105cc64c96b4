import { EncodingError } from '../lib/errors.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** RFC 4648 §5 base64url without padding. */
export function base64urlEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base64url: input must be a Uint8Array');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict base64url decoding: no padding, no whitespace, no characters outside the alphabet. */
export function base64urlDecode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base64url: input must be a string');
  // Node's decoder silently skips invalid characters; check first so forged input is rejected, not truncated.
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new EncodingError('base64url: malformed input');
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** Strict standard base64 (padding optional, whitespace ignored), used for DER certificates in trust lists. */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base64: input must be a string');
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw new EncodingError('base64: malformed input');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
