/**
 * The little DER this package needs: walk a certificate to its extensions, and write the dev certificates.
 * Reading is strict (definite lengths, bounds checked) and never recurses deeper than the caller asks.
 */

export interface DerNode {
  /** Identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** Content octets. */
  value: Uint8Array;
  /** Whole TLV. */
  raw: Uint8Array;
}

export class DerError extends Error {}

/** Read one TLV at `offset`; returns the node and the offset after it. */
export function readNode(bytes: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) throw new DerError('truncated DER');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let length = bytes[offset + 1]!;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    if (pos + count > bytes.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos + i]!;
    pos += count;
  }
  const end = pos + length;
  if (end > bytes.length) throw new DerError('DER length runs past the end');
  return { node: { tag, value: bytes.subarray(pos, end), raw: bytes.subarray(offset, end) }, next: end };
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw new DerError('not a constructed DER value');
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readNode(node.value, pos);
    out.push(child);
    pos = next;
    if (out.length > 10_000) throw new DerError('too many DER elements');
  }
  return out;
}

export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || value.length > 64) throw new DerError('bad OID');
  const arcs: number[] = [];
  let n = 0;
  for (const b of value) {
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(n);
      n = 0;
    }
  }
  if ((value[value.length - 1]! & 0x80) !== 0) throw new DerError('truncated OID');
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

// ---------------------------------------------------------------------------------------------------- writing

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
export const printableString = (s: string): Uint8Array => tlv(0x13, new TextEncoder().encode(s));
export const utf8String = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));
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
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(`${digits.slice(2)}Z`));
  return tlv(0x18, new TextEncoder().encode(`${digits}Z`));
}
