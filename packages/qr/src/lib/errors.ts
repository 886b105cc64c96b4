import { DivocError, withCode, withUnsafeJsonCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes. Each carries a stable string `code`, so callers can
 * `switch (err.code)` over the `QrError` union instead of parsing messages.
 */

/** Base class of every error thrown by `@divoc/qr`. */
export abstract class QrErrorBase extends DivocError {}

/* ---------------------------------------------------------------- DIVOC QR payloads */

/** The input is not a DIVOC QR payload in any known wrapping (wrong type, empty, unknown prefix, over the size cap). */
export class DivocQrMalformedError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_MALFORMED') {}

/** The input looks like a DIVOC wrapping this package cannot decode offline (e.g. a URL needing an online lookup). */
export class DivocQrUnsupportedError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_UNSUPPORTED') {}

/** The ZIP archive is structurally broken: truncated, bad signatures, offsets out of range, bad DEFLATE stream. */
export class DivocQrZipInvalidError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_ZIP_INVALID') {}

/**
 * The ZIP uses a feature refused on purpose: ZIP64, encryption, multi-disk, a compression method other than
 * store/deflate.
 */
export class DivocQrZipUnsupportedError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_ZIP_UNSUPPORTED') {}

/** An entry name is unsafe (absolute path, `..` segment, backslash, NUL) or local and central names disagree. */
export class DivocQrZipEntryNameError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_ZIP_ENTRY_NAME') {}

/** The archive would inflate past the size or ratio budget, or holds too many entries: a decompression bomb. */
export class DivocQrBombError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_BOMB') {}

/** The inflated entry does not match the CRC-32 or size its headers declare. */
export class DivocQrCrcMismatchError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_CRC_MISMATCH') {}

/** The archive has no `certificate.json` entry. */
export class DivocQrEntryMissingError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_ENTRY_MISSING') {}

/** The certificate is not UTF-8 JSON, or not a JSON object. */
export class DivocQrJsonInvalidError extends withCode(QrErrorBase, 'ERR_DIVOC_QR_JSON_INVALID') {}

/**
 * The certificate JSON names a member twice or has a `__proto__` / `constructor` / `prototype` member. The code is
 * the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), the same in every format.
 */
export class DivocQrUnsafeJsonError extends withUnsafeJsonCode(QrErrorBase) {}

/* ---------------------------------------------------------------- PixelPass (MOSIP Inji) */

/**
 * The input is not PixelPass QR data: not a string, empty, not strict Base45, or its bytes are not a zlib stream
 * (wrong header, preset dictionary, corrupt or truncated DEFLATE data, bad Adler-32).
 */
export class PixelPassMalformedError extends withCode(QrErrorBase, 'ERR_PIXELPASS_MALFORMED') {}

/** The text is longer than the limit (no QR code holds it), or the data encodes to more than a QR code holds. */
export class PixelPassTooLargeError extends withCode(QrErrorBase, 'ERR_PIXELPASS_TOO_LARGE') {}

/** The zlib stream would inflate past the size or ratio budget: a decompression bomb. Refused while inflating. */
export class PixelPassBombError extends withCode(QrErrorBase, 'ERR_PIXELPASS_BOMB') {}

/**
 * The inflated data is CBOR this package refuses: outside the strict subset of `@divoc/keys` (indefinite lengths,
 * half or single precision floats, tags, byte strings, non-text map keys...), or nested deeper than the limit.
 */
export class PixelPassCborInvalidError extends withCode(QrErrorBase, 'ERR_PIXELPASS_CBOR_INVALID') {}

/** The inflated data is neither CBOR nor UTF-8 text. */
export class PixelPassTextInvalidError extends withCode(QrErrorBase, 'ERR_PIXELPASS_TEXT_INVALID') {}

/**
 * The data is not what was asked for: to encode, a value that is not JSON data (`undefined`, a function, NaN, a
 * cycle...); decoded, text that is not JSON or JSON that is not an object where a credential was expected.
 */
export class PixelPassJsonInvalidError extends withCode(QrErrorBase, 'ERR_PIXELPASS_JSON_INVALID') {}

/**
 * A CBOR map or JSON object names a member twice, or has a `__proto__` / `constructor` / `prototype` member. The code
 * is the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), the same in every format.
 */
export class PixelPassUnsafeJsonError extends withUnsafeJsonCode(QrErrorBase) {}

/* ---------------------------------------------------------------- rendering */

/**
 * Render options are wrong: unknown mode/ecc/format, a module size or margin out of range, text not fitting the mode.
 */
export class QrRenderOptionsError extends withCode(QrErrorBase, 'ERR_QR_RENDER_OPTIONS') {}

/** The data does not fit in a version 40 QR code at the chosen error correction level. */
export class QrDataTooLongError extends withCode(QrErrorBase, 'ERR_QR_DATA_TOO_LONG') {}

/* ---------------------------------------------------------------- reading images */

/** The bytes are not a PNG, JPEG or SVG image this package reads. */
export class QrImageUnsupportedError extends withCode(QrErrorBase, 'ERR_QR_IMAGE_UNSUPPORTED') {}

/** The image is truncated or corrupt. */
export class QrImageCorruptError extends withCode(QrErrorBase, 'ERR_QR_IMAGE_CORRUPT') {}

/** The image declares dimensions or a size over the budget (image bomb); refused before allocating pixels. */
export class QrImageTooLargeError extends withCode(QrErrorBase, 'ERR_QR_IMAGE_TOO_LARGE') {}

/**
 * An SVG is over the rasteriser's complexity budget: too many elements or path segments, too many edge/scanline
 * crossings, or too much painted area. Refused before the work (or the memory) it would take.
 */
export class QrSvgTooComplexError extends withCode(QrErrorBase, 'ERR_QR_SVG_TOO_COMPLEX') {}

/**
 * Every way of looking at the image would hand the QR decoder more finder-pattern candidates than its work budget
 * (a crafted texture of fine stripes, say): refused rather than spending seconds of CPU on it.
 */
export class QrImageTooComplexError extends withCode(QrErrorBase, 'ERR_QR_IMAGE_TOO_COMPLEX') {}

/** Reading the image ran out of its time budget (`timeBudgetMs`) before any QR code was found. */
export class QrTimeBudgetError extends withCode(QrErrorBase, 'ERR_QR_TIME_BUDGET') {}

/** The image decoded but no QR code was found in it. */
export class QrNotFoundError extends withCode(QrErrorBase, 'ERR_QR_NOT_FOUND') {}

/** Discriminated union (on `code`) of every error this package throws. */
export type QrError =
  | DivocQrMalformedError
  | DivocQrUnsupportedError
  | DivocQrZipInvalidError
  | DivocQrZipUnsupportedError
  | DivocQrZipEntryNameError
  | DivocQrBombError
  | DivocQrCrcMismatchError
  | DivocQrEntryMissingError
  | DivocQrJsonInvalidError
  | DivocQrUnsafeJsonError
  | PixelPassMalformedError
  | PixelPassTooLargeError
  | PixelPassBombError
  | PixelPassCborInvalidError
  | PixelPassTextInvalidError
  | PixelPassJsonInvalidError
  | PixelPassUnsafeJsonError
  | QrRenderOptionsError
  | QrDataTooLongError
  | QrImageUnsupportedError
  | QrImageCorruptError
  | QrImageTooLargeError
  | QrSvgTooComplexError
  | QrImageTooComplexError
  | QrTimeBudgetError
  | QrNotFoundError;

/** Every error code this package throws. */
export type QrErrorCode = QrError['code'];

/** True for errors thrown by this package. */
export const isQrError: FamilyGuard<QrError> = familyGuard(QrErrorBase);
