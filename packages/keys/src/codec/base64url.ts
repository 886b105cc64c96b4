import { EncodingError } from '../lib/errors.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// Runtime-neutral (no Buffer): the same code runs in Node and in browsers.
const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DECODE[STD.charCodeAt(i)] = i;
  DECODE[URL_SAFE.charCodeAt(i)] = i;
}

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + alphabet[v & 63]!;
  }
  if (n - i === 1) {
    const v = bytes[i]! << 16;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + (pad ? '==' : '');
  } else if (n - i === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * Decode characters already checked against the alphabet (padding stripped); trailing bits are ignored like Node does.
 */
function decode(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array((n * 3) >> 2);
  let o = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const v =
      (DECODE[text.charCodeAt(i)]! << 18) |
      (DECODE[text.charCodeAt(i + 1)]! << 12) |
      (DECODE[text.charCodeAt(i + 2)]! << 6) |
      DECODE[text.charCodeAt(i + 3)]!;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = n - i;
  if (rest >= 2) {
    const v =
      (DECODE[text.charCodeAt(i)]! << 18) |
      (DECODE[text.charCodeAt(i + 1)]! << 12) |
      (rest === 3 ? DECODE[text.charCodeAt(i + 2)]! << 6 : 0);
    out[o++] = v >> 16;
    if (rest === 3) out[o++] = (v >> 8) & 255;
  }
  return o === out.length ? out : out.subarray(0, o);
}

/** RFC 4648 §5 base64url without padding. */
export function base64urlEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base64url: input must be a Uint8Array');
  return encode(bytes, URL_SAFE, false);
}

/** Strict base64url decoding: no padding, no whitespace, no characters outside the alphabet. */
export function base64urlDecode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base64url: input must be a string');
  // Check first so forged input is rejected, not silently truncated.
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new EncodingError('base64url: malformed input');
  return decode(text);
}

/** RFC 4648 §4 standard base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('base64: input must be a Uint8Array');
  return encode(bytes, STD, true);
}

/** Options of the base64 and base64url decoders. */
export interface Base64DecodeOptions {
  /**
   * Refuse whitespace and require canonical padding (a length that is a multiple of 4, `=` exactly where needed),
   * for base64 that arrives as one token (a QR payload, a JSON member). Default false: whitespace is ignored (PEM
   * bodies, wrapped text) and padding may be left out; where it is present it must complete the last group.
   */
  strict?: boolean;
}

/**
 * The SDK's one standard base64 decoder (RFC 4648 §4). Always refuses characters outside the alphabet, `=` anywhere
 * but at the end, and a dangling sixth bit group, with `EncodingError` (`ERR_ENCODING_INVALID`); see `strict`.
 */
export function base64Decode(text: string, options: Base64DecodeOptions = {}): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('base64: input must be a string');
  if (options.strict === true) {
    if (!BASE64.test(text) || text.length % 4 !== 0) throw new EncodingError('base64: malformed input');
    return decode(text.replace(/=+$/, ''));
  }
  const compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  if (!BASE64.test(compact)) throw new EncodingError('base64: malformed input');
  const body = compact.replace(/=+$/, '');
  // Padding, when present, must complete the last group; without it, a group of one character is never valid.
  if (body.length % 4 === 1 || (body.length !== compact.length && compact.length % 4 !== 0))
    throw new EncodingError('base64: malformed input');
  return decode(body);
}
