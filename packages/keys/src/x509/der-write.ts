/**
 * DER writing, for the development certificates (`createDevelopmentCertificate`) and the extensions a format adds to
 * them. Reading DER goes through the one strict, bounded reader (`readDerNode` / `derChildren`); this file only
 * writes. Other packages reach these through `derWrite`.
 */
import { utf8Encode } from '../lib/bytes.js';

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...lengthBytes(total)];
  const out = new Uint8Array(head.length + total);
  out.set(head, 0);
  let pos = head.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Uint8Array => tlv(0x31, ...parts);
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const bitString = (bytes: Uint8Array, unusedBits = 0): Uint8Array => tlv(0x03, Uint8Array.of(unusedBits), bytes);
export const boolean = (value: boolean): Uint8Array => tlv(0x01, Uint8Array.of(value ? 0xff : 0));
export const printableString = (s: string): Uint8Array => tlv(0x13, utf8Encode(s));
export const utf8String = (s: string): Uint8Array => tlv(0x0c, utf8Encode(s));
export const explicit = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);

/** A non-negative INTEGER from big-endian magnitude bytes (a 0 byte is prepended when the top bit is set). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed);
}
export const smallInteger = (n: number): Uint8Array => unsignedInteger(Uint8Array.of(n));

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [arc & 0x7f];
    let rest = Math.floor(arc / 128);
    while (rest > 0) {
      groups.unshift((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    out.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, utf8Encode(`${digits.slice(2)}Z`));
  return tlv(0x18, utf8Encode(`${digits}Z`));
}

/** The DER writers, as one export of `@divoc/keys` (their short names would not do at the package's top level). */
export const derWrite = Object.freeze({
  /** One DER item: the tag, the definite length, then the parts concatenated. */
  tlv,
  /** A SEQUENCE of the encoded items. */
  sequence,
  /** A SET of the encoded items, in the order given (sort them first where DER requires it). */
  set,
  /** An OCTET STRING. */
  octetString,
  /** A BIT STRING (`unusedBits` in the last byte, default 0). */
  bitString,
  /** A BOOLEAN (`0xff` for true). */
  boolean,
  /** A PrintableString (the caller keeps to its character set). */
  printableString,
  /** A UTF8String. */
  utf8String,
  /** An explicit context-specific tag `[n]` around the encoded items. */
  explicit,
  /** A non-negative INTEGER from big-endian magnitude bytes (a 0 byte is prepended when the top bit is set). */
  unsignedInteger,
  /** A small non-negative INTEGER (0–255). */
  smallInteger,
  /** An OBJECT IDENTIFIER from its dotted form (`1.2.840.10045.2.1`). */
  oid,
  /** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
  time,
});
