/**
 * Reading QR codes from PNG, JPEG and SVG images.
 *
 * @module @divoc/qr/image
 */
// `@divoc/qr/image`: reading QR codes from PNG, JPEG and SVG images. Its own entry point because the decoders and jsqr
// are most of this package's weight; code that only renders or parses QR text never loads them.
export { readQrFromImage, readQrCodesFromImage } from './read/index.js';
export type { ReadQrOptions, QrReadResult } from './read/index.js';
export type { QrSegmentMode } from './read/qr-text.js';
export type { ImageKind, ImageLimits } from './read/sniff.js';
export { DEFAULT_IMAGE_LIMITS, sniffImage } from './read/sniff.js';
