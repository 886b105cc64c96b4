import { DivocError } from '@divoc/keys';

/** Why a format could not be issued from a core data set. The issuer reports it per format (`result.errors`). */
export type FormatIssueErrorCode =
  /** The format needs a key (or certificate) the caller did not give. */
  | 'ERR_ISSUER_KEY_MISSING'
  /** The format has no form for this kind of certificate (SHC or VDS-NC for recovery). */
  | 'ERR_ISSUER_FORMAT_UNSUPPORTED'
  /** A value has no code in the format's value sets (a vaccine without an EU code, an uncoded test type...). */
  | 'ERR_ISSUER_VALUE_UNMAPPABLE'
  /** The format needs the name in Latin letters and the record gives no `nameLatin`. */
  | 'ERR_ISSUER_NAME_NOT_LATIN'
  /** A value is longer than the format allows (VDS-NC names ≤ 39 characters). */
  | 'ERR_ISSUER_FIELD_TOO_LONG';

/** A format plugin's refusal to issue: the format, a stable code, and the reason without the format's name. */
export class FormatIssueError extends DivocError {
  readonly code: FormatIssueErrorCode;
  readonly format: string;
  /** The message without the `format: ` prefix. */
  readonly reason: string;
  constructor(format: string, code: FormatIssueErrorCode, reason: string) {
    super(`${format}: ${reason}`);
    this.format = format;
    this.code = code;
    this.reason = reason;
  }
}
