/**
 * Segments → data bit stream → data codewords (terminator and pad bytes) → blocks with Reed–Solomon ECC,
 * interleaved in the order they are placed in the symbol.
 */
import {
  charCountBits,
  dataCodewords,
  eccBlocks,
  eccPerBlock,
  MODE_ALPHANUMERIC,
  MODE_BYTE,
  MODE_NUMERIC,
  totalCodewords,
} from './tables.js';
import { reedSolomonRemainder } from './reed-solomon.js';

/** A segment ready to be written: mode indicator, character count and the characters (text) or bytes. */
export interface BitSegment {
  mode: number;
  /** Digits (numeric), alphanumeric characters, or bytes (byte mode). */
  data: string | Uint8Array;
}

/** Value of each QR alphanumeric character, −1 elsewhere (ASCII only). */
export const ALPHANUMERIC_VALUE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = i;
  return table;
})();

export function segmentCount(segment: BitSegment): number {
  return segment.data.length;
}

/** Bits of the segment's data (without mode indicator and character count). */
export function segmentDataBits(segment: BitSegment): number {
  const n = segment.data.length;
  if (segment.mode === MODE_NUMERIC) return 10 * Math.floor(n / 3) + [0, 4, 7][n % 3]!;
  if (segment.mode === MODE_ALPHANUMERIC) return 11 * (n >> 1) + 6 * (n & 1);
  return 8 * n;
}

/** Total bits of the segments at `version`, or Infinity when a character count overflows its field. */
export function segmentsBits(segments: readonly BitSegment[], version: number): number {
  let bits = 0;
  for (const s of segments) {
    const countBits = charCountBits(s.mode, version);
    if (s.data.length >= 1 << countBits) return Infinity;
    bits += 4 + countBits + segmentDataBits(s);
  }
  return bits;
}

/** A big-endian bit writer over a fixed (zeroed) buffer, flushing whole bytes from a small accumulator. */
class BitWriter {
  private byteIndex = 0;
  private acc = 0;
  private accBits = 0;
  constructor(readonly bytes: Uint8Array) {}
  get length(): number {
    return this.byteIndex * 8 + this.accBits;
  }
  /** Append the low `bits` (≤ 16) bits of `value`. */
  write(value: number, bits: number): void {
    this.acc = (this.acc << bits) | (value & ((1 << bits) - 1));
    this.accBits += bits;
    while (this.accBits >= 8) {
      this.accBits -= 8;
      this.bytes[this.byteIndex++] = this.acc >>> this.accBits;
    }
    this.acc &= (1 << this.accBits) - 1;
  }
  /** Write out the partial byte (zero-padded on the right). */
  flush(): void {
    if (this.accBits > 0) this.bytes[this.byteIndex] = this.acc << (8 - this.accBits);
  }
}

function writeSegment(w: BitWriter, s: BitSegment, version: number): void {
  w.write(s.mode, 4);
  w.write(s.data.length, charCountBits(s.mode, version));
  const data = s.data;
  if (s.mode === MODE_BYTE) {
    const bytes = data as Uint8Array;
    for (let i = 0; i < bytes.length; i++) w.write(bytes[i]!, 8);
    return;
  }
  const text = data as string;
  if (s.mode === MODE_NUMERIC) {
    let i = 0;
    for (; i + 3 <= text.length; i += 3) w.write(Number(text.slice(i, i + 3)), 10);
    const rest = text.length - i;
    if (rest > 0) w.write(Number(text.slice(i)), rest === 1 ? 4 : 7);
    return;
  }
  let i = 0;
  for (; i + 2 <= text.length; i += 2)
    w.write(ALPHANUMERIC_VALUE[text.charCodeAt(i)]! * 45 + ALPHANUMERIC_VALUE[text.charCodeAt(i + 1)]!, 11);
  if (i < text.length) w.write(ALPHANUMERIC_VALUE[text.charCodeAt(i)]!, 6);
}

/** All codewords (data then ECC, interleaved across blocks) of the segments in a symbol of `version` and `ecc`. */
export function buildCodewords(segments: readonly BitSegment[], version: number, ecc: number): Uint8Array {
  const dataCount = dataCodewords(version, ecc);
  const data = new Uint8Array(dataCount);
  const w = new BitWriter(data);
  for (const s of segments) writeSegment(w, s, version);
  w.flush();
  const capacity = dataCount * 8;
  // Terminator (up to four 0 bits), then 0 bits to a byte boundary: the buffer is zeroed already.
  let used = Math.min(capacity, w.length + 4);
  used = (used + 7) & ~7;
  for (let i = used >> 3, pad = 0xec; i < dataCount; i++, pad ^= 0xec ^ 0x11) data[i] = pad;

  const total = totalCodewords(version);
  const blocks = eccBlocks(version, ecc);
  const eccLength = eccPerBlock(version, ecc);
  const shortBlocks = blocks - (total % blocks);
  const shortData = Math.floor(total / blocks) - eccLength;
  const ecc2 = new Uint8Array(blocks * eccLength);
  const out = new Uint8Array(total);
  // ECC per block; a long block has one data byte more than a short one.
  for (let b = 0, offset = 0; b < blocks; b++) {
    const length = shortData + (b < shortBlocks ? 0 : 1);
    reedSolomonRemainder(data, offset, length, eccLength, ecc2, b * eccLength);
    offset += length;
  }
  // Interleave: byte i of every block in turn, data first, then ECC.
  let k = 0;
  for (let i = 0; i <= shortData; i++) {
    for (let b = 0; b < blocks; b++) {
      if (i === shortData && b < shortBlocks) continue;
      const blockStart = b * shortData + Math.max(0, b - shortBlocks);
      out[k++] = data[blockStart + i]!;
    }
  }
  for (let i = 0; i < eccLength; i++) for (let b = 0; b < blocks; b++) out[k++] = ecc2[b * eccLength + i]!;
  return out;
}
