import { DivocError, quoteUntrusted } from '@divoc/keys';
import type { FormatName as RegisteredFormat } from '@divoc/formats';

/** Output formats `issueAllFormats` produces: the SDK's one list of format names (`FORMATS` in `@divoc/formats`). */
export type FormatName = RegisteredFormat;

/** Base class: every error of this package has a stable string `code`. */
export abstract class IssuerError extends DivocError {}

/** Input or options are unusable (wrong types, neither `record` nor `credential`, an unknown format...). */
export class IssuerInputError extends IssuerError {
  readonly code = 'ERR_ISSUER_INPUT_INVALID' as const;
}

/** One problem with a record field, by JSONPath (`$.dob`). */
export interface IssuerRecordIssue {
  path: string;
  message: string;
}

/** The registry record (or the credential) failed validation: nothing was issued. */
export class IssuerRecordError extends IssuerError {
  readonly code = 'ERR_ISSUER_RECORD_INVALID' as const;
  readonly issues: IssuerRecordIssue[];
  constructor(message: string, issues: IssuerRecordIssue[], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}

/**
 * The record has fields its template does not know (a misspelt column, a field of another template). Rejected by
 * default rather than dropped, because a dropped field is data missing from a health record without anyone noticing;
 * `unknownFields: 'ignore'` drops them instead.
 */
export class IssuerUnknownFieldsError extends IssuerError {
  readonly code = 'ERR_ISSUER_RECORD_UNKNOWN_FIELDS' as const;
  /** The unknown fields, with the known field each is probably a misspelling of, when there is one. */
  readonly fields: UnknownField[];
  /** The same, as record issues (`$.field`), like `IssuerRecordError.issues`. */
  readonly issues: IssuerRecordIssue[];
  constructor(template: string, fields: UnknownField[]) {
    super(
      `record has ${fields.length === 1 ? 'a field' : 'fields'} the ${template} template does not know: ` +
        `${listUnknownFields(fields)} (unknownFields: 'ignore' drops them)`,
    );
    this.fields = fields;
    this.issues = fields.map((f) => ({
      path: `$.${f.field.slice(0, 100)}`,
      message: unknownFieldMessage(template, f),
    }));
  }
}

/** A record field (or input column) the template does not know. */
export interface UnknownField {
  field: string;
  /** The known field it is probably a misspelling of (edit distance ≤ 2, or the same name in another case). */
  suggestion?: string;
}

const didYouMean = (f: UnknownField): string =>
  f.suggestion !== undefined ? ` (did you mean ${JSON.stringify(f.suggestion)}?)` : '';

/** `"nmae" (did you mean "name"?)`; a long name is cut (it comes from the input). */
export function describeUnknownField(f: UnknownField): string {
  return `${quoteUntrusted(f.field)}${didYouMean(f)}`;
}

/** At most this many unknown fields are named in a message; the rest are counted. */
const MAX_LISTED_FIELDS = 20;

/** The unknown fields for a message: `"a", "b" (did you mean "c"?)`, then `and N more` past MAX_LISTED_FIELDS. */
export function listUnknownFields(fields: readonly UnknownField[]): string {
  const listed = fields.slice(0, MAX_LISTED_FIELDS).map(describeUnknownField).join(', ');
  return fields.length > MAX_LISTED_FIELDS ? `${listed} and ${fields.length - MAX_LISTED_FIELDS} more` : listed;
}

/** The per-field reason: `unknown field for template vaccination (did you mean "name"?)`. */
export function unknownFieldMessage(template: string, f: UnknownField): string {
  return `unknown field for template ${template}${didYouMean(f)}`;
}

/** The record has no certificate id and none can be derived (no identity, refId, or name with dob/age). */
export class IssuerCertificateIdError extends IssuerError {
  readonly code = 'ERR_ISSUER_CERTIFICATE_ID_INVALID' as const;
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Why one format could not be produced. */
export type FormatFailureCode =
  /** The format needs a key (or certificate) that `options.keys` does not hold. */
  | 'ERR_ISSUER_KEY_MISSING'
  /** The format has no form for this kind of certificate (SHC or VDS-NC for recovery). */
  | 'ERR_ISSUER_FORMAT_UNSUPPORTED'
  /** A value has no code in the format's value sets (a vaccine without an EU code, an uncoded test type...). */
  | 'ERR_ISSUER_VALUE_UNMAPPABLE'
  /** The format needs the name in Latin letters and the record gives no `nameLatin`. */
  | 'ERR_ISSUER_NAME_NOT_LATIN'
  /** A value is longer than the format allows (VDS-NC names ≤ 39 characters). */
  | 'ERR_ISSUER_FIELD_TOO_LONG'
  /** The data does not fit in a QR code. */
  | 'ERR_ISSUER_QR_TOO_LARGE'
  /** The format package refused the data or the signer (see `causeCode`). */
  | 'ERR_ISSUER_FORMAT_FAILED';

/** One format that could not be produced. Thrown only with `strict: true`; else reported in `result.errors`. */
export class IssuerFormatError extends IssuerError {
  readonly code: FormatFailureCode;
  readonly format: FormatName;
  /** The `code` of the underlying error from the format package, when there was one. */
  readonly causeCode?: string;
  constructor(
    format: FormatName,
    code: FormatFailureCode,
    message: string,
    options?: { cause?: unknown; causeCode?: string },
  ) {
    super(`${format}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.format = format;
    this.code = code;
    if (options?.causeCode !== undefined) this.causeCode = options.causeCode;
  }
}

/** Discriminated union (on `code`) of every error this package throws. */
export type AnyIssuerError =
  IssuerInputError | IssuerRecordError | IssuerUnknownFieldsError | IssuerCertificateIdError | IssuerFormatError;
/** Every error code this package throws. */
export type IssuerErrorCode = AnyIssuerError['code'];

/** True for an error thrown by this package ({@link AnyIssuerError}). */
export function isIssuerError(value: unknown): value is AnyIssuerError {
  return value instanceof IssuerError;
}
