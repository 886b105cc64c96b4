/**
 * A direct PNG writer for QR matrices: 1-bit grayscale, scanlines built straight from the module rows (each module
 * row is packed once and repeated `moduleSize` times), one IDAT, zlib deflate from lib/deflate.ts.
 */
import { crc32 } from '../lib/crc32.js';
import { deflateZlib } from '../lib/deflate.js';
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

export function matrixToPng(matrix: QrMatrix, layout: PngLayout): Uint8Array {
  const { size, modules } = matrix;
  const { moduleSize, margin } = layout;
  const width = (size + 2 * margin) * moduleSize;
  const rowBytes = Math.ceil(width / 8);
  const stride = rowBytes + 1; // filter byte (0 = None) + packed pixels
  const raw = new Uint8Array(stride * width);

  // Light rows (quiet zone): every bit 1 (white); trailing pad bits are ignored by decoders.
  const lightRow = new Uint8Array(stride).fill(0xff);
  lightRow[0] = 0;
  const darkRow = new Uint8Array(stride);
  let y = 0;
  for (; y < margin * moduleSize; y++) raw.set(lightRow, y * stride);
  for (let r = 0; r < size; r++) {
    darkRow.set(lightRow);
    // Clear bits for dark modules. Pixel x sits in byte 1 + (x >> 3), bit 7 - (x & 7).
    const rowOffset = r * size;
    for (let c = 0; c < size; c++) {
      if (!modules[rowOffset + c]) continue;
      let x = (margin + c) * moduleSize;
      const end = x + moduleSize;
      for (; x < end; x++) darkRow[1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
    for (let k = 0; k < moduleSize; k++, y++) raw.set(darkRow, y * stride);
  }
  for (; y < width; y++) raw.set(lightRow, y * stride);

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  // compression 0, filter 0, interlace 0
  const idat = deflateZlib(raw, layout.compressionLevel ?? 6);
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
