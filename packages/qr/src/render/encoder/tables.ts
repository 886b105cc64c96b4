/**
 * QR Code model 2 constants (ISO/IEC 18004:2015): error correction block structure, character count widths,
 * format and version information. Everything here is computed once at load or on first use per version.
 */
import type { QrEcc } from '../profile.js';

/** Index of an error correction level in the tables below. */
export const ECC_INDEX: Readonly<Record<QrEcc, number>> = { L: 0, M: 1, Q: 2, H: 3 };
/** The two format-information bits of each level (note: not in L, M, Q, H order). */
const ECC_FORMAT_BITS = [1, 0, 3, 2];

// Table 9 of the standard, per level (L, M, Q, H) and version 1–40 (index 0 unused): error correction codewords
// per block, and number of blocks.
const ECC_PER_BLOCK: readonly (readonly number[])[] = [
  [
    0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  [
    0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
];
const ECC_BLOCKS: readonly (readonly number[])[] = [
  [
    0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19,
    19, 20, 21, 22, 24, 25,
  ],
  [
    0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33,
    35, 37, 38, 40, 43, 45, 47, 49,
  ],
  [
    0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43,
    45, 48, 51, 53, 56, 59, 62, 65, 68,
  ],
  [
    0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51,
    54, 57, 60, 63, 66, 70, 74, 77, 81,
  ],
];

export const symbolSize = (version: number): number => 17 + 4 * version;

/** Modules left for codewords once the function patterns (and version information) are placed. */
function rawDataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

export const totalCodewords = (version: number): number => rawDataModules(version) >> 3;
export const eccBlocks = (version: number, ecc: number): number => ECC_BLOCKS[ecc]![version]!;
export const eccPerBlock = (version: number, ecc: number): number => ECC_PER_BLOCK[ecc]![version]!;
export const dataCodewords = (version: number, ecc: number): number =>
  totalCodewords(version) - eccBlocks(version, ecc) * eccPerBlock(version, ecc);

/** Row/column coordinates of alignment pattern centres (the same list serves both axes). */
export function alignmentCoordinates(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const last = symbolSize(version) - 7;
  // Spacing is even and equal between all but the first two; version 32 is the one exception to the formula.
  const step = version === 32 ? 26 : Math.ceil((last - 6) / (count - 1) / 2) * 2;
  const coords = [6];
  for (let i = count - 2; i >= 0; i--) coords.push(last - i * step);
  return coords;
}

/** Mode indicators (4 bits). */
export const MODE_NUMERIC = 1;
export const MODE_ALPHANUMERIC = 2;
export const MODE_BYTE = 4;

/** Width of the character count field for a mode at a version (versions 1–9, 10–26, 27–40). */
export function charCountBits(mode: number, version: number): number {
  const band = version <= 9 ? 0 : version <= 26 ? 1 : 2;
  if (mode === MODE_NUMERIC) return [10, 12, 14][band]!;
  if (mode === MODE_ALPHANUMERIC) return [9, 11, 13][band]!;
  return [8, 16, 16][band]!;
}

/** Remainder of `value` (already shifted left by the generator's degree) modulo a BCH generator polynomial. */
function bchRemainder(value: number, generator: number, degree: number): number {
  let rem = value;
  for (let bit = 31 - Math.clz32(rem); bit >= degree; bit = 31 - Math.clz32(rem)) rem ^= generator << (bit - degree);
  return rem;
}

/** The 15 format-information bits (level, mask, BCH(15,5), XOR 0x5412). */
export function formatBits(ecc: number, mask: number): number {
  const data = (ECC_FORMAT_BITS[ecc]! << 3) | mask;
  return ((data << 10) | bchRemainder(data << 10, 0x537, 10)) ^ 0x5412;
}

/** The 18 version-information bits (version 7 and up; BCH(18,6)). */
export function versionBits(version: number): number {
  return (version << 12) | bchRemainder(version << 12, 0x1f25, 12);
}
