/**
 * Byte/text helpers. A JavaScript "binary string" holds one byte per UTF-16 code unit (U+0000–U+00FF);
 * JSZip's `type: 'string'` output and `atob()` produce them.
 */

/** Bytes → binary string (each byte one char U+0000–U+00FF). */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let out = '';
  // Chunked so String.fromCharCode never sees a huge argument list.
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return out;
}

/** Binary string → bytes, or `null` when a char is above U+00FF (so the text is not a binary string). */
export function binaryStringToBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return null;
    out[i] = c;
  }
  return out;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Strict UTF-8 decode, `null` when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return null;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** ISO-8859-1 decode: each byte one char. */
export function decodeLatin1(bytes: Uint8Array): string {
  return bytesToBinaryString(bytes);
}

export function startsWithBytes(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
