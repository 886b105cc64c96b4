/**
 * QR image reading for apps that read images themselves and pass the text to `verify`.
 *
 * @module @divoc/verifier/image
 */
// `@divoc/verifier/image`: QR image reading (PNG, JPEG, SVG) for apps that read camera frames or files themselves and
// hand the text to `verify`. The main entry needs none of it to verify text; given image bytes, `verify` loads this
// reader on first use with a dynamic import, which bundlers split into a chunk of its own.
export { readQrFromImage, readQrCodesFromImage, sniffImage, DEFAULT_IMAGE_LIMITS } from '@divoc/qr/image';
export type { ImageKind, ImageLimits, QrReadResult, ReadQrOptions } from '@divoc/qr/image';
