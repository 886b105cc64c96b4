/**
 * DIVOC QR payloads (the `divoc-qr` format), QR rendering and QR reading from images.
 *
 * @module @divoc/qr
 */
// DIVOC QR payloads
export { encodeDivocQr, decodeDivocQr, detectDivocQr, DIVOC_CERTIFICATE_ENTRY } from './divoc/payload.js';
export type {
  DecodedDivocQr,
  DecodeDivocQrOptions,
  EncodeDivocQrOptions,
  DivocQrVariant,
  DivocCredentialJson,
} from './divoc/payload.js';
export { verifyDivocQr } from './divoc/verify.js';
export type { VerifyDivocQrOptions, DivocQrVerificationResult } from './divoc/verify.js';

// Rendering
export { renderQr, renderQrPng, renderQrSvg } from './render/index.js';
export type { RenderQrOptions, RenderQrLayoutOptions } from './render/index.js';
export { qrProfileFor } from './render/profile.js';
export type { QrProfile, QrSegment, QrEcc, QrMode, QrPayloadFormat } from './render/profile.js';
export { createQrMatrix } from './render/matrix.js';
export type { QrMatrix, QrMatrixOptions } from './render/matrix.js';

// Reading QR images: `@divoc/qr/image` (readQrFromImage, readQrCodesFromImage), so this entry ships no decoder.
// Telling an image from a payload stays here.
export type { ImageKind, ImageLimits } from './read/sniff.js';
export { DEFAULT_IMAGE_LIMITS, sniffImage } from './read/sniff.js';

// Errors
export {
  QrErrorBase,
  DivocQrMalformedError,
  DivocQrUnsupportedError,
  DivocQrZipInvalidError,
  DivocQrZipUnsupportedError,
  DivocQrZipEntryNameError,
  DivocQrBombError,
  DivocQrCrcMismatchError,
  DivocQrEntryMissingError,
  DivocQrJsonInvalidError,
  DivocQrUnsafeJsonError,
  QrRenderOptionsError,
  QrDataTooLongError,
  QrImageUnsupportedError,
  QrImageCorruptError,
  QrImageTooLargeError,
  QrSvgTooComplexError,
  QrTimeBudgetError,
  QrNotFoundError,
  isQrError,
} from './lib/errors.js';
export type { QrError, QrErrorCode } from './lib/errors.js';
export { divocQrFormat } from './format/divoc-qr.js';
