/**
 * A strict, bounded DER reader: definite lengths only, every length checked against the buffer, nesting walked
 * only as deep as the caller asks. Enough for X.509 certificates and SubjectPublicKeyInfo.
 */
import { utf8DecodeStrict } from '../codec/utf8.js';
import { CertificateInvalidError } from '../lib/errors.js';

/** One DER item: its tag, its content and its whole encoding. */
export interface DerNode {
  /** Identifier octet (class, constructed bit, tag number < 31). */
  readonly tag: number;
  /** Content octets. */
  readonly value: Uint8Array;
  /** The whole TLV. */
  readonly raw: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Default bound on the elements one constructed value may hold. */
export const MAX_DER_CHILDREN = 10_000;

function fail(message: string): never {
  throw new CertificateInvalidError(`DER: ${message}`);
}

/** Read one TLV at `offset`; returns the node and the offset after it. */
export function readNode(bytes: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) fail('truncated');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) fail('multi-byte tags are not supported');
  let length = bytes[offset + 1]!;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) fail('indefinite lengths are not DER');
    if (count > 4) fail('length too large');
    if (pos + count > bytes.length) fail('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos + i]!;
    pos += count;
  }
  const end = pos + length;
  if (end > bytes.length) fail('length runs past the end');
  return { node: { tag, value: bytes.subarray(pos, end), raw: bytes.subarray(offset, end) }, next: end };
}

/** Exactly one TLV filling `bytes`. */
export function readOnly(bytes: Uint8Array, what: string): DerNode {
  const { node, next } = readNode(bytes);
  if (next !== bytes.length) fail(`trailing bytes after ${what}`);
  return node;
}

/** The children of a constructed node; more than `maxChildren` of them is refused. */
export function children(node: DerNode, maxChildren = MAX_DER_CHILDREN): DerNode[] {
  if ((node.tag & 0x20) === 0) fail(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readNode(node.value, pos);
    out.push(child);
    pos = next;
    if (out.length > maxChildren) fail('too many elements');
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) fail(`${what} is missing`);
  if (node.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || value.length > 64) fail('bad OID length');
  if ((value[value.length - 1]! & 0x80) !== 0) fail('truncated OID');
  const arcs: number[] = [];
  let n = 0;
  let start = true;
  for (const b of value) {
    // X.690 8.19.2: a subidentifier is minimal; a leading 0x80 octet would give one OID two encodings.
    if (start && b === 0x80) fail('non-minimal OID encoding');
    start = (b & 0x80) === 0;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) fail('OID arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(n);
      n = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

export function readOid(node: DerNode | undefined, what: string): string {
  return decodeOid(expectTag(node, TAG.OID, what).value);
}

/** Magnitude bytes of a non-negative INTEGER (leading zero octets removed). */
export function unsignedIntegerBytes(node: DerNode | undefined, what: string): Uint8Array {
  const v = expectTag(node, TAG.INTEGER, what).value;
  if (v.length === 0) fail(`${what}: empty INTEGER`);
  if (v[0]! & 0x80) fail(`${what}: negative INTEGER`);
  let start = 0;
  while (start < v.length - 1 && v[start] === 0) start++;
  return v.subarray(start);
}

/** A small non-negative INTEGER as a number. */
export function smallInteger(node: DerNode | undefined, what: string): number {
  const bytes = unsignedIntegerBytes(node, what);
  if (bytes.length > 6) fail(`${what}: INTEGER too large`);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** Contents of a BIT STRING with no unused bits (keys, signatures). */
export function bitStringBytes(node: DerNode | undefined, what: string): Uint8Array {
  const v = expectTag(node, TAG.BIT_STRING, what).value;
  if (v.length === 0 || v[0] !== 0) fail(`${what}: BIT STRING with unused bits`);
  return v.subarray(1);
}

/** Named bits of a BIT STRING (bit 0 = most significant bit of the first content octet). */
export function bitStringBits(node: DerNode, what: string): number[] {
  const v = expectTag(node, TAG.BIT_STRING, what).value;
  if (v.length === 0 || v[0]! > 7) fail(`${what}: malformed BIT STRING`);
  const bits: number[] = [];
  for (let i = 1; i < v.length; i++) for (let b = 0; b < 8; b++) if (v[i]! & (0x80 >> b)) bits.push((i - 1) * 8 + b);
  return bits;
}

/** Text of the directory-string types X.509 names use. */
export function decodeString(node: DerNode): string {
  switch (node.tag) {
    case TAG.UTF8_STRING:
      return utf8DecodeStrict(node.value) ?? fail('UTF8String is not UTF-8');
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.TELETEX_STRING:
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      return String.fromCharCode(...node.value);
    case TAG.BMP_STRING: {
      if (node.value.length % 2) fail('odd BMPString');
      let s = '';
      for (let i = 0; i < node.value.length; i += 2)
        s += String.fromCharCode((node.value[i]! << 8) | node.value[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (node.value.length % 4) fail('bad UniversalString');
      let s = '';
      for (let i = 0; i < node.value.length; i += 4) {
        s += String.fromCodePoint(
          ((node.value[i]! << 24) | (node.value[i + 1]! << 16) | (node.value[i + 2]! << 8) | node.value[i + 3]!) >>> 0,
        );
      }
      return s;
    }
    default:
      fail(`unsupported string tag 0x${node.tag.toString(16)}`);
  }
}

/** UTCTime (YY < 50 → 20YY) or GeneralizedTime, seconds optional, fraction allowed, `Z` or ±hhmm. */
export function decodeTime(node: DerNode | undefined, what: string): Date {
  if (!node || (node.tag !== TAG.UTC_TIME && node.tag !== TAG.GENERALIZED_TIME)) fail(`${what} is not a time`);
  const text = String.fromCharCode(...node.value);
  const m =
    node.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(\.\d{1,9})?(Z|[+-]\d{4})$/.exec(text);
  if (!m) fail(`${what}: malformed time ${JSON.stringify(text.slice(0, 20))}`);
  let year = Number(m[1]);
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  let t = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
  const zone = m[8]!;
  if (zone !== 'Z')
    t -= (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  const date = new Date(t);
  if (Number.isNaN(date.getTime()) || Number(m[2]) > 12 || Number(m[3]) > 31 || Number(m[4]) > 23)
    fail(`${what}: invalid time`);
  return date;
}
