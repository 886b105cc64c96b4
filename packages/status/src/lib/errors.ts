import { DivocError } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes, each with a stable string `code`, so callers can
 * `switch (err.code)` over the `StatusError` union. Checks (`Check.code`) use the `StatusCheckCode` strings.
 */

/** Base class of every error thrown by `@divoc/status`. */
export abstract class StatusBaseError extends DivocError {}

/** Options passed to a constructor or helper are wrong (bad length, purpose, status size, messages...). */
export class StatusOptionsInvalidError extends StatusBaseError {
  readonly code = 'ERR_STATUS_OPTIONS_INVALID' as const;
}

/**
 * A status list (encoded list, status-list credential or serialized list) is malformed: wrong types, bad base64,
 * not GZIP, a decompression bomb, shorter than the 131 072-bit minimum, larger than the cap.
 */
export class StatusListInvalidError extends StatusBaseError {
  readonly code = 'ERR_STATUS_LIST_INVALID' as const;
}

/** A `credentialStatus` entry is malformed or of an unsupported type. */
export class StatusEntryInvalidError extends StatusBaseError {
  readonly code = 'ERR_STATUS_ENTRY_INVALID' as const;
}

/** An index is not an integer in `[0, list length)`. */
export class StatusIndexOutOfRangeError extends StatusBaseError {
  readonly code = 'ERR_STATUS_INDEX_OUT_OF_RANGE' as const;
}

/** An index was already allocated: indexes are never handed out twice. */
export class StatusIndexInUseError extends StatusBaseError {
  readonly code = 'ERR_STATUS_INDEX_IN_USE' as const;
}

/** Every index of the list is allocated. */
export class StatusListFullError extends StatusBaseError {
  readonly code = 'ERR_STATUS_LIST_FULL' as const;
}

/** The operation does not fit the list's `statusPurpose` (e.g. `suspend` on a revocation list). */
export class StatusPurposeMismatchError extends StatusBaseError {
  readonly code = 'ERR_STATUS_PURPOSE_MISMATCH' as const;
}

/** A DIVOC, SMART Health Cards or EU DCC revocation list is malformed (wrong types, bad hashes, too large). */
export class RevocationListInvalidError extends StatusBaseError {
  readonly code = 'ERR_REVOCATION_LIST_INVALID' as const;
}

/** Discriminated union (on `code`) of every error this package throws. */
export type StatusError =
  | StatusOptionsInvalidError
  | StatusListInvalidError
  | StatusEntryInvalidError
  | StatusIndexOutOfRangeError
  | StatusIndexInUseError
  | StatusListFullError
  | StatusPurposeMismatchError
  | RevocationListInvalidError;

export type StatusErrorCode = StatusError['code'];

/** Codes a failed `revocation` check carries. */
export type StatusCheckCode =
  | 'ERR_STATUS_REVOKED'
  | 'ERR_STATUS_SUSPENDED'
  | 'ERR_STATUS_LIST_MISSING'
  | 'ERR_STATUS_LIST_INVALID'
  | 'ERR_STATUS_INDEX_OUT_OF_RANGE'
  | 'ERR_STATUS_PURPOSE_MISMATCH'
  | 'ERR_STATUS_ENTRY_INVALID'
  | 'ERR_STATUS_ID_MISSING';

const CODES = new Set<string>([
  'ERR_STATUS_OPTIONS_INVALID',
  'ERR_STATUS_LIST_INVALID',
  'ERR_STATUS_ENTRY_INVALID',
  'ERR_STATUS_INDEX_OUT_OF_RANGE',
  'ERR_STATUS_INDEX_IN_USE',
  'ERR_STATUS_LIST_FULL',
  'ERR_STATUS_PURPOSE_MISMATCH',
  'ERR_REVOCATION_LIST_INVALID',
]);

/** True for errors thrown by this package. */
export function isStatusError(error: unknown): error is StatusError {
  return error instanceof StatusBaseError && CODES.has(error.code);
}
