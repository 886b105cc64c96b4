import { CompactFormatError } from './errors.js';

/** RFC 9285 Base45: its 45 characters are exactly the QR code alphanumeric set, 5.5 bits each in the symbol. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/** Strict: only the 45 characters, no dangling single character, no group above its byte range. */
export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new CompactFormatError('Base45 length leaves a single dangling character');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const value = (i: number): number => {
    const code = text.charCodeAt(i);
    const v = code < 128 ? INDEX[code]! : -1;
    if (v < 0) throw new CompactFormatError(`character ${JSON.stringify(text[i])} at ${i} is not Base45`);
    return v;
  };
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = value(i) + value(i + 1) * 45 + value(i + 2) * 2025;
      if (n > 0xffff) throw new CompactFormatError(`Base45 group at ${i} exceeds two bytes`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = value(i) + value(i + 1) * 45;
      if (n > 0xff) throw new CompactFormatError(`Base45 group at ${i} exceeds one byte`);
      out[o++] = n;
    }
  }
  return out;
}
