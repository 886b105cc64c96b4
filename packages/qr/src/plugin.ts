/**
 * The `divoc-qr` format plugin and the image sniffer alone: what a verifier loads at start-up (no QR encoder, no
 * image reader).
 *
 * @module @divoc/qr/plugin
 */
export { divocQrFormat } from './format/divoc-qr.js';
export { DEFAULT_IMAGE_LIMITS, sniffImage } from './read/sniff.js';
