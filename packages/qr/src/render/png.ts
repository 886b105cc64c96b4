/**
 * A direct PNG writer for QR matrices: 1-bit grayscale, scanlines built straight from the module rows (each module
 * row is packed once, by runs of dark modules; its `moduleSize − 1` repeats are Up-filtered zero rows), one IDAT,
 * zlib deflate from lib/deflate.ts (native node:zlib in Node, fflate elsewhere).
 */
import { crc32 } from '../lib/crc32.js';
import { deflateImageData } from '../lib/deflate.js';
import type { QrMatrix } from './matrix.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export interface PngLayout {
  /** Pixels per module. */
  moduleSize: number;
  /** Quiet zone, in modules. */
  margin: number;
  /** zlib level 0–9. */
  compressionLevel?: number;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 0, 4, 8 + data.length));
  return out;
}

/** Clear bits [from, to) of a packed scanline (pixel x: byte 1 + (x >> 3), bit 7 − (x & 7)); 0 = dark. */
function clearBits(row: Uint8Array, from: number, to: number): void {
  let x = from;
  // leading partial byte
  while (x < to && (x & 7) !== 0) {
    row[1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    x++;
  }
  // whole bytes
  if (to - x >= 8) {
    const end = to & ~7;
    row.fill(0, 1 + (x >> 3), 1 + (end >> 3));
    x = end;
  }
  for (; x < to; x++) row[1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
}

export function matrixToPng(matrix: QrMatrix, layout: PngLayout): Uint8Array {
  const { size, modules } = matrix;
  const { moduleSize, margin } = layout;
  const width = (size + 2 * margin) * moduleSize;
  const rowBytes = Math.ceil(width / 8);
  const stride = rowBytes + 1; // filter byte + packed pixels
  // Zeroed: a row equal to the one above is written as filter 2 ("Up") and all-zero data, which deflates to
  // almost nothing; only the first pixel row of each module row (and of each quiet zone) is spelled out (filter 0).
  const raw = new Uint8Array(stride * width);
  const UP = 2;
  const lightRow = new Uint8Array(stride).fill(0xff);
  lightRow[0] = 0;
  let y = 0;
  const quiet = margin * moduleSize;
  for (; y < quiet; y++) {
    if (y === 0) raw.set(lightRow, 0);
    else raw[y * stride] = UP;
  }
  const row = new Uint8Array(stride);
  let previous = -1;
  for (let r = 0; r < size; r++) {
    const rowOffset = r * size;
    // Identical module rows (rare, but free to spot) are Up-filtered too.
    let same = previous >= 0;
    if (same) {
      for (let c = 0; c < size; c++) {
        if (modules[rowOffset + c] !== modules[previous + c]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      row.set(lightRow);
      // Clear one bit range per run of dark modules.
      for (let c = 0; c < size;) {
        if (!modules[rowOffset + c]) {
          c++;
          continue;
        }
        let end = c + 1;
        while (end < size && modules[rowOffset + end]) end++;
        clearBits(row, (margin + c) * moduleSize, (margin + end) * moduleSize);
        c = end;
      }
    }
    for (let k = 0; k < moduleSize; k++, y++) {
      if (k === 0 && !same) raw.set(row, y * stride);
      else raw[y * stride] = UP;
    }
    previous = rowOffset;
  }
  for (let k = 0; y < width; y++, k++) {
    if (k === 0) raw.set(lightRow, y * stride);
    else raw[y * stride] = UP;
  }

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  // compression 0, filter 0, interlace 0
  const idat = deflateImageData(raw, layout.compressionLevel ?? 6);
  const total = SIGNATURE.length + 25 + 12 + idat.length + 12;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
