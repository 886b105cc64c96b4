import { DivocError, withCode, withUnsafeJsonCode, familyGuard } from '@divoc/keys';
import type { FamilyGuard, UnsafeJsonCode } from '@divoc/keys';

/**
 * Every error this package throws, and every failure code a verification result carries, is one of these classes.
 * Each has a stable string `code`, so callers can `switch (err.code)` over the `ShcErrorCode` union.
 */

/** Base class of every error thrown by `@divoc/shc`. */
export abstract class ShcError extends DivocError {
  abstract override readonly code: ShcErrorCode;
}

/** The input is not something this package reads: wrong type, empty, or not a JWS / `shc:/` / health card file. */
export class ShcInputInvalidError extends withCode(ShcError, 'ERR_SHC_INPUT_INVALID') {}

/**
 * JSON of the card (JWS header or payload, `.smart-health-card` file) names a member twice or has a `__proto__` /
 * `constructor` / `prototype` member. The code is the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`),
 * the same in every format.
 */
export class ShcUnsafeJsonError extends withUnsafeJsonCode(ShcError) {}

/** The input is larger than the configured cap; rejected before any work is done on it. */
export class ShcInputTooLargeError extends withCode(ShcError, 'ERR_SHC_INPUT_TOO_LARGE') {}

/**
 * The compact JWS is malformed: not three base64url parts, a header that is not a JSON object, a bad signature part.
 */
export class ShcJwsMalformedError extends withCode(ShcError, 'ERR_SHC_JWS_MALFORMED') {}

/** The JWS header breaks the SMART Health Cards profile: `alg` other than ES256, `zip` other than DEF, no `kid`. */
export class ShcHeaderInvalidError extends withCode(ShcError, 'ERR_SHC_HEADER_INVALID') {}

/** The payload does not inflate (not raw DEFLATE), or inflates beyond the size/ratio budget (decompression bomb). */
export class ShcInflateError extends withCode(ShcError, 'ERR_SHC_INFLATE_FAILED') {}

/** The inflated payload is not JSON, or not the SMART Health Card claim set (`iss`, `nbf`, `vc`). */
export class ShcPayloadInvalidError extends withCode(ShcError, 'ERR_SHC_PAYLOAD_INVALID') {}

/** A `shc:/` numeric QR text is malformed: odd digit count, a pair above 77, bad prefix. */
export class ShcQrInvalidError extends withCode(ShcError, 'ERR_SHC_QR_INVALID') {}

/** A set of chunked `shc:/C/N/` texts cannot be assembled: index out of range, duplicate, missing, mixed sets. */
export class ShcChunksInvalidError extends withCode(ShcError, 'ERR_SHC_CHUNKS_INVALID') {}

/** A `.smart-health-card` file is malformed (not JSON, no `verifiableCredential` array of strings). */
export class ShcFileInvalidError extends withCode(ShcError, 'ERR_SHC_FILE_INVALID') {}

/**
 * The credential cannot be mapped to a SMART Health Card FHIR bundle (unsupported type, missing or unmappable data).
 */
export class ShcCredentialUnsupportedError extends withCode(ShcError, 'ERR_SHC_CREDENTIAL_UNSUPPORTED') {}

/** Options passed to an issuing or export function are invalid (issuer URL, signer algorithm, kid, key). */
export class ShcOptionsInvalidError extends withCode(ShcError, 'ERR_SHC_OPTIONS_INVALID') {}

/** A card revocation list (CRL) is malformed, or a revocation identifier is not valid. */
export class ShcRevocationListInvalidError extends withCode(ShcError, 'ERR_SHC_REVOCATION_LIST_INVALID') {}

/** An issuer directory is malformed. */
export class ShcDirectoryInvalidError extends withCode(ShcError, 'ERR_SHC_DIRECTORY_INVALID') {}

/** Verification: the signature does not verify under the trusted key. */
export class ShcSignatureInvalidError extends withCode(ShcError, 'ERR_SHC_SIGNATURE_INVALID') {}

/** Verification: no trusted key answers to `iss#kid` or `kid`, or the key belongs to another issuer. */
export class ShcIssuerMismatchError extends withCode(ShcError, 'ERR_TRUST_ISSUER_MISMATCH') {}

/** Verification: no trusted key answers to the card's key id. */
export class ShcKeyNotTrustedError extends withCode(ShcError, 'ERR_SHC_KEY_NOT_TRUSTED') {}

/** Verification: the trusted key's validity window does not cover the card's issuance time (`nbf`). */
export class ShcKeyExpiredError extends withCode(ShcError, 'ERR_SHC_KEY_EXPIRED') {}

/** Verification: `nbf` lies after the validation clock. */
export class ShcNotYetValidError extends withCode(ShcError, 'ERR_SHC_NOT_YET_VALID') {}

/** Verification: `exp` lies before the validation clock. */
export class ShcExpiredError extends withCode(ShcError, 'ERR_SHC_EXPIRED') {}

/** Verification: the card's `rid` is listed in the issuer's revocation list for its key. */
export class ShcRevokedError extends withCode(ShcError, 'ERR_SHC_REVOKED') {}

/** Discriminated union (on `code`) of every error this package throws or reports. */
export type AnyShcError =
  | ShcInputInvalidError
  | ShcUnsafeJsonError
  | ShcInputTooLargeError
  | ShcJwsMalformedError
  | ShcHeaderInvalidError
  | ShcInflateError
  | ShcPayloadInvalidError
  | ShcQrInvalidError
  | ShcChunksInvalidError
  | ShcFileInvalidError
  | ShcCredentialUnsupportedError
  | ShcOptionsInvalidError
  | ShcRevocationListInvalidError
  | ShcDirectoryInvalidError
  | ShcSignatureInvalidError
  | ShcKeyNotTrustedError
  | ShcIssuerMismatchError
  | ShcKeyExpiredError
  | ShcNotYetValidError
  | ShcExpiredError
  | ShcRevokedError;

/** Every `code` an `ShcError` can carry. */
export type ShcErrorCode =
  | 'ERR_SHC_INPUT_INVALID'
  | UnsafeJsonCode
  | 'ERR_TRUST_ISSUER_MISMATCH'
  | 'ERR_SHC_INPUT_TOO_LARGE'
  | 'ERR_SHC_JWS_MALFORMED'
  | 'ERR_SHC_HEADER_INVALID'
  | 'ERR_SHC_INFLATE_FAILED'
  | 'ERR_SHC_PAYLOAD_INVALID'
  | 'ERR_SHC_QR_INVALID'
  | 'ERR_SHC_CHUNKS_INVALID'
  | 'ERR_SHC_FILE_INVALID'
  | 'ERR_SHC_CREDENTIAL_UNSUPPORTED'
  | 'ERR_SHC_OPTIONS_INVALID'
  | 'ERR_SHC_REVOCATION_LIST_INVALID'
  | 'ERR_SHC_DIRECTORY_INVALID'
  | 'ERR_SHC_SIGNATURE_INVALID'
  | 'ERR_SHC_KEY_NOT_TRUSTED'
  | 'ERR_SHC_KEY_EXPIRED'
  | 'ERR_SHC_NOT_YET_VALID'
  | 'ERR_SHC_EXPIRED'
  | 'ERR_SHC_REVOKED';

/** True when `err` was thrown by this package. */
export const isShcError: FamilyGuard<AnyShcError> = familyGuard(ShcError);
