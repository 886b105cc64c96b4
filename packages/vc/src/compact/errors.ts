import { DivocError, withCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Errors of the compact QR codec. Each has a stable `code`; `CompactCredentialErrors` is their union.
 * (Separate from `VcError`, whose codes belong to issuing and verifying.)
 */
export abstract class CompactCredentialError extends DivocError {}

/** Not compact-QR text: wrong prefix, characters outside Base45, bad Base45 groups. */
export class CompactFormatError extends withCode(CompactCredentialError, 'ERR_COMPACT_FORMAT') {}

/** Longer than any QR code can hold, or inflating past the output / ratio budget (decompression bomb). */
export class CompactTooLargeError extends withCode(CompactCredentialError, 'ERR_COMPACT_TOO_LARGE') {}

/** A compression table version this decoder does not have. */
export class CompactVersionError extends withCode(CompactCredentialError, 'ERR_COMPACT_VERSION') {}

/**
 * The binary payload is not valid: bad deflate stream, CBOR outside the format's strict subset, unknown tag or index.
 */
export class CompactPayloadError extends withCode(CompactCredentialError, 'ERR_COMPACT_PAYLOAD') {}

/**
 * The input to encode, or the decoded document, is not a signed credential (JSON object with `@context` and `proof`).
 */
export class CompactNotCredentialError extends withCode(CompactCredentialError, 'ERR_COMPACT_NOT_CREDENTIAL') {}

/** Discriminated union (on `code`) of the errors of the compact `DIVOC1:` codec. */
export type CompactCredentialErrors =
  CompactFormatError | CompactTooLargeError | CompactVersionError | CompactPayloadError | CompactNotCredentialError;

/** Every error code of the compact `DIVOC1:` codec. */
export type CompactCredentialErrorCode = CompactCredentialErrors['code'];

/** True for an error of the compact `DIVOC1:` codec ({@link CompactCredentialErrors}). */
export const isCompactCredentialError: FamilyGuard<CompactCredentialErrors> = familyGuard(CompactCredentialError);
