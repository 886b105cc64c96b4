/**
 * DIVOC QR payloads (the `divoc-qr` format), PixelPass QR data (the `pixelpass` format, what MOSIP Inji Verify
 * scans), QR rendering and QR reading from images.
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

// PixelPass QR data (MOSIP Inji)
export { encodePixelPass } from './pixelpass/encode.js';
export { decodePixelPass } from './pixelpass/decode.js';
export { detectPixelPass } from './pixelpass/detect.js';
export { PIXELPASS_MAX_TEXT } from './pixelpass/shared.js';
export type { PixelPassJson, DecodedPixelPass, PixelPassLimits, EncodePixelPassOptions } from './pixelpass/shared.js';

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
  PixelPassMalformedError,
  PixelPassTooLargeError,
  PixelPassBombError,
  PixelPassCborInvalidError,
  PixelPassTextInvalidError,
  PixelPassJsonInvalidError,
  PixelPassUnsafeJsonError,
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
export { pixelpassFormat } from './format/pixelpass.js';
