import { EncodingError } from '../lib/errors.js';
import { base58btcDecode, base58btcEncode } from './base58.js';
import { base64urlDecode, base64urlEncode } from './base64url.js';

/** The two multibase encodings used by Data Integrity proofs and Multikey. */
export type MultibaseEncoding = 'base58btc' | 'base64url';

/** Multibase: a one-character prefix names the encoding ('z' base58btc, 'u' base64url no padding). */
export function multibaseEncode(bytes: Uint8Array, encoding: MultibaseEncoding = 'base58btc'): string {
  if (encoding === 'base58btc') return `z${base58btcEncode(bytes)}`;
  if (encoding === 'base64url') return `u${base64urlEncode(bytes)}`;
  throw new EncodingError(`multibase: unsupported encoding ${String(encoding)}`);
}

/**
 * The bytes of multibase text: `z` (base58btc) or `u` (base64url). Throws `EncodingError` for other prefixes or bad
 * text.
 */
export function multibaseDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0)
    throw new EncodingError('multibase: input must be a non-empty string');
  const prefix = text[0];
  if (prefix === 'z') return base58btcDecode(text.slice(1));
  if (prefix === 'u') return base64urlDecode(text.slice(1));
  // The prefix is not quoted: the text may be a private key.
  throw new EncodingError("multibase: unsupported prefix (expected 'z' or 'u')");
}
