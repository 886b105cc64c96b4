import { DivocError, withCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes, each with a stable string `code`, so callers can
 * `switch (err.code)` over the `StatusError` union. Checks (`Check.code`) use the `StatusCheckCode` strings.
 */

/** Base class of every error thrown by `@divoc/status`. */
export abstract class StatusBaseError extends DivocError {}

/** Options passed to a constructor or helper are wrong (bad length, purpose, status size, messages...). */
export class StatusOptionsInvalidError extends withCode(StatusBaseError, 'ERR_STATUS_OPTIONS_INVALID') {}

/**
 * A status list (encoded list, status-list credential or serialized list) is malformed: wrong types, bad base64,
 * not GZIP, a decompression bomb, shorter than the 131 072-bit minimum, larger than the cap.
 */
export class StatusListInvalidError extends withCode(StatusBaseError, 'ERR_STATUS_LIST_INVALID') {}

/** A `credentialStatus` entry is malformed or of an unsupported type. */
export class StatusEntryInvalidError extends withCode(StatusBaseError, 'ERR_STATUS_ENTRY_INVALID') {}

/** An index is not an integer in `[0, list length)`. */
export class StatusIndexOutOfRangeError extends withCode(StatusBaseError, 'ERR_STATUS_INDEX_OUT_OF_RANGE') {}

/** An index was already allocated: indexes are never handed out twice. */
export class StatusIndexInUseError extends withCode(StatusBaseError, 'ERR_STATUS_INDEX_IN_USE') {}

/** Every index of the list is allocated. */
export class StatusListFullError extends withCode(StatusBaseError, 'ERR_STATUS_LIST_FULL') {}

/** The operation does not fit the list's `statusPurpose` (e.g. `suspend` on a revocation list). */
export class StatusPurposeMismatchError extends withCode(StatusBaseError, 'ERR_STATUS_PURPOSE_MISMATCH') {}

/** A DIVOC, SMART Health Cards or EU DCC revocation list is malformed (wrong types, bad hashes, too large). */
export class RevocationListInvalidError extends withCode(StatusBaseError, 'ERR_REVOCATION_LIST_INVALID') {}

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

/** Every error code this package throws. */
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
export const isStatusError: FamilyGuard<StatusError> = familyGuard(StatusBaseError, CODES);
