/**
 * Image decoding to RGBA with budgets checked BEFORE pixels are allocated: the PNG IHDR and JPEG SOF are read by
 * hand first, then our PNG decoder (./png.ts) / jpeg-js (with its own `maxResolutionInMP` / `maxMemoryUsageInMB`
 * limits) decode. No Node built-ins: the same code runs in browsers.
 */
import jpeg from 'jpeg-js';
import { decodePngRgba } from './png.js';
import { startsWithBytes } from '../lib/bytes.js';
import { QrImageCorruptError, QrImageTooLargeError, QrImageUnsupportedError } from '../lib/errors.js';
import { rasteriseSvg } from './svg-raster.js';

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * Budgets for reading one image. The defaults (`DEFAULT_IMAGE_LIMITS`) keep one hostile image to about 2 s of CPU and
 * 256 MB of memory, and still read a 12-megapixel photo.
 */
export interface ImageLimits {
  /** Largest image accepted, in pixels (for an SVG: in viewBox units), checked before any pixel is allocated. Default 16 000 000. */
  maxPixels?: number;
  /** Largest input accepted, in bytes. Default 8 MiB. */
  maxBytes?: number;
  /**
   * Time for reading, in milliseconds, checked between the attempts of the pre-processing ladder (each attempt is
   * bounded by the pixel budget). Out of time with no code found: `ERR_QR_TIME_BUDGET`. Default 1500.
   */
  timeBudgetMs?: number;
}

export type ImageKind = 'png' | 'jpeg' | 'svg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** The budgets `readQrFromImage` / `readQrCodesFromImage` use by default (and `@divoc/verifier` and the CLI with them). */
export const DEFAULT_IMAGE_LIMITS: Readonly<Required<ImageLimits>> = Object.freeze({
  maxPixels: 16_000_000,
  maxBytes: 8 * 1024 * 1024,
  timeBudgetMs: 1500,
});
export const DEFAULT_MAX_PIXELS = DEFAULT_IMAGE_LIMITS.maxPixels;
const DEFAULT_MAX_BYTES = DEFAULT_IMAGE_LIMITS.maxBytes;

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (startsWithBytes(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWithBytes(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  // SVG: text whose first element (after BOM, XML declaration, comments, doctype) is <svg.
  const head = new TextDecoder().decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head)) return 'svg';
  return null;
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) throw new QrImageCorruptError(`image declares ${width}×${height} pixels`);
  if (width * height > maxPixels) {
    throw new QrImageTooLargeError(`image declares ${width}×${height} = ${width * height} pixels, over the ${maxPixels}-pixel budget`);
  }
}

function decodePng(bytes: Uint8Array, maxPixels: number): RgbaImage {
  // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
  if (bytes.length < 33) throw new QrImageCorruptError('PNG is truncated before the end of its IHDR chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new QrImageCorruptError('PNG does not start with an IHDR chunk');
  }
  checkPixels(view.getUint32(16), view.getUint32(20), maxPixels);
  try {
    return decodePngRgba(bytes);
  } catch (error) {
    if (error instanceof QrImageCorruptError || error instanceof QrImageUnsupportedError) throw error;
    throw new QrImageCorruptError(`PNG is corrupt: ${(error as Error).message}`, { cause: error });
  }
}

/** Read the frame size from the first SOFn marker, without decoding. */
function jpegDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    // SOF0–SOF15 except DHT (C4), JPG (C8), DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return null;
      return { height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]! };
    }
    if (marker === 0xda) return null; // scan data before any frame header
    at += 2 + length;
  }
  return null;
}

/**
 * jpeg-js keeps every DCT block of the whole image in memory (~30 bytes a pixel in all): past 8 MP one JPEG would
 * cost more than the 256 MB an image may, so larger JPEGs are refused from their frame header, before decoding.
 */
export const MAX_JPEG_PIXELS = 8_000_000;

function decodeJpeg(bytes: Uint8Array, maxPixels: number): RgbaImage {
  const size = jpegDimensions(bytes);
  if (size === null) throw new QrImageCorruptError('JPEG has no readable frame header');
  checkPixels(size.width, size.height, Math.min(maxPixels, MAX_JPEG_PIXELS));
  try {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: Math.ceil(maxPixels / 1_000_000),
      maxMemoryUsageInMB: Math.ceil((maxPixels * 4 * 2) / (1024 * 1024)) + 64,
    });
    return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length) };
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) throw new QrImageTooLargeError(`JPEG too large: ${message}`, { cause: error });
    throw new QrImageCorruptError(`JPEG is corrupt: ${message}`, { cause: error });
  }
}

/** Decode PNG, JPEG or (QR-style) SVG bytes to RGBA, within the budgets. */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits = {}): RgbaImage & { kind: ImageKind } {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxPixels > 0) || !(maxBytes > 0)) throw new QrImageUnsupportedError('image limits must be positive numbers');
  if (!(bytes instanceof Uint8Array)) throw new QrImageUnsupportedError('expected image bytes (Uint8Array)');
  if (bytes.length > maxBytes) throw new QrImageTooLargeError(`image is ${bytes.length} bytes, over the ${maxBytes}-byte budget`);
  const kind = sniffImage(bytes);
  switch (kind) {
    case 'png':
      return { kind, ...decodePng(bytes, maxPixels) };
    case 'jpeg':
      return { kind, ...decodeJpeg(bytes, maxPixels) };
    case 'svg':
      return { kind, ...rasteriseSvg(new TextDecoder().decode(bytes), { maxPixels }) };
    default:
      throw new QrImageUnsupportedError('not a PNG, JPEG or SVG image');
  }
}
