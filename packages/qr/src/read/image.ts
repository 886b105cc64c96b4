/**
 * Image decoding to a luminance plane (all QR reading needs) with budgets checked BEFORE pixels are allocated: the
 * PNG IHDR and JPEG SOF are read first, then our PNG decoder (./png.ts) and JPEG decoder (./jpeg.ts) decode
 * scanline by scanline into one byte a pixel. No Node built-ins: the same code runs in browsers.
 */
import { checkPixels } from './budget.js';
import { decodeJpegLuminance } from './jpeg.js';
import { decodePngLuminance } from './png.js';
import { QrImageCorruptError, QrImageTooLargeError, QrImageUnsupportedError } from '../lib/errors.js';
import { rasteriseSvg } from './svg-raster.js';

/** One byte a pixel, row-major: BT.601 luma, transparent pixels composited over white. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type { ImageKind, ImageLimits } from './sniff.js';
export { DEFAULT_IMAGE_LIMITS, DEFAULT_MAX_PIXELS, sniffImage } from './sniff.js';
import { DEFAULT_IMAGE_LIMITS, DEFAULT_MAX_PIXELS, sniffImage, type ImageKind, type ImageLimits } from './sniff.js';
const DEFAULT_MAX_BYTES = DEFAULT_IMAGE_LIMITS.maxBytes;

function decodePng(bytes: Uint8Array, maxPixels: number): GreyImage {
  // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
  if (bytes.length < 33) throw new QrImageCorruptError('PNG is truncated before the end of its IHDR chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new QrImageCorruptError('PNG does not start with an IHDR chunk');
  }
  checkPixels(view.getUint32(16), view.getUint32(20), maxPixels);
  try {
    return decodePngLuminance(bytes);
  } catch (error) {
    if (error instanceof QrImageCorruptError || error instanceof QrImageUnsupportedError) throw error;
    throw new QrImageCorruptError(`PNG is corrupt: ${(error as Error).message}`, { cause: error });
  }
}

/** Decode PNG, JPEG or (QR-style) SVG bytes to luminance, within the budgets. */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits = {}): GreyImage & { kind: ImageKind } {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxPixels > 0) || !(maxBytes > 0)) throw new QrImageUnsupportedError('image limits must be positive numbers');
  if (!(bytes instanceof Uint8Array)) throw new QrImageUnsupportedError('expected image bytes (Uint8Array)');
  if (bytes.length > maxBytes)
    throw new QrImageTooLargeError(`image is ${bytes.length} bytes, over the ${maxBytes}-byte budget`);
  const kind = sniffImage(bytes);
  switch (kind) {
    case 'png':
      return { kind, ...decodePng(bytes, maxPixels) };
    case 'jpeg':
      return { kind, ...decodeJpegLuminance(bytes, { maxPixels }) };
    case 'svg':
      return { kind, ...rasteriseSvg(new TextDecoder().decode(bytes), { maxPixels }) };
    default:
      throw new QrImageUnsupportedError('not a PNG, JPEG or SVG image');
  }
}
