/**
 * The `divoc-qr` and `pixelpass` format plugins and the image sniffer alone: what a verifier loads at start-up (no QR
 * encoder, no image reader; the PixelPass decoder loads on first use).
 *
 * @module @divoc/qr/plugin
 */
export { divocQrFormat } from './format/divoc-qr.js';
export { pixelpassFormat } from './format/pixelpass.js';
export { DEFAULT_IMAGE_LIMITS, sniffImage } from './read/sniff.js';
