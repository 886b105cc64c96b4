import { DivocError } from '@divoc/keys';

/**
 * Errors of the compact QR codec. Each has a stable `code`; `CompactCredentialErrors` is their union.
 * (Separate from `VcError`, whose codes belong to issuing and verifying.)
 */
export abstract class CompactCredentialError extends DivocError {}

/** Not compact-QR text: wrong prefix, characters outside Base45, bad Base45 groups. */
export class CompactFormatError extends CompactCredentialError {
  readonly code = 'ERR_COMPACT_FORMAT' as const;
}

/** Longer than any QR code can hold, or inflating past the output / ratio budget (decompression bomb). */
export class CompactTooLargeError extends CompactCredentialError {
  readonly code = 'ERR_COMPACT_TOO_LARGE' as const;
}

/** A compression table version this decoder does not have. */
export class CompactVersionError extends CompactCredentialError {
  readonly code = 'ERR_COMPACT_VERSION' as const;
}

/** The binary payload is not valid: bad deflate stream, CBOR outside the format's strict subset, unknown tag or index. */
export class CompactPayloadError extends CompactCredentialError {
  readonly code = 'ERR_COMPACT_PAYLOAD' as const;
}

/** The input to encode, or the decoded document, is not a signed credential (JSON object with `@context` and `proof`). */
export class CompactNotCredentialError extends CompactCredentialError {
  readonly code = 'ERR_COMPACT_NOT_CREDENTIAL' as const;
}

export type CompactCredentialErrors =
  | CompactFormatError
  | CompactTooLargeError
  | CompactVersionError
  | CompactPayloadError
  | CompactNotCredentialError;

export type CompactCredentialErrorCode = CompactCredentialErrors['code'];

export function isCompactCredentialError(value: unknown): value is CompactCredentialErrors {
  return value instanceof CompactCredentialError;
}
