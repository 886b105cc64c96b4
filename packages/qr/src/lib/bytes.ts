/**
 * Byte/text helpers. A JavaScript "binary string" holds one byte per UTF-16 code unit (U+0000–U+00FF);
 * JSZip's `type: 'string'` output and `atob()` produce them.
 */
import { utf8DecodeStrict } from '@divoc/keys';

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

/**
 * Strict UTF-8 decode (`utf8DecodeStrict` of `@divoc/keys`), undefined when the bytes are not valid UTF-8. A leading
 * BOM stays in the text: a DIVOC payload or ZIP name that starts with one is not what DIVOC writes.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  return utf8DecodeStrict(bytes, { keepBom: true });
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
