/**
 * Issue one DDCC record in every format at once, with certificate ids and key slots.
 *
 * @module @divoc/issuer
 */
// One record, every format.
export { issueAllFormats, issuableFormats, formatKeyHint, FORMAT_NAMES } from './issue/issue-all.js';
export type {
  IssueInput,
  IssueAllFormatsOptions,
  IssuerKeys,
  VcSigningKey,
  DocumentSignerKey,
  ShcSigningKey,
  IssuedFormats,
  IssuedOutputs,
  FormatFailure,
  QrImage,
  QrImageFormat,
  CredentialStatusEntries,
} from './types.js';
// One W3C credential, signed over its status entries (what issueAllFormats signs with).
export { issueW3cCredential, checkStatusEntries } from './formats/w3c-vc.js';
export type { IssueW3cCredentialOptions } from './formats/w3c-vc.js';

// The DDCC core data set (defined in @divoc/schemas) and the per-format pieces it maps through.
export { toDdccCoreDataSet } from '@divoc/schemas';
export type { DdccCoreDataSet, ToDdccOptions } from '@divoc/schemas';
export {
  splitRecord,
  DDCC_RECORD_FIELDS,
  knownRecordFields,
  findUnknownFields,
  checkRecordFields,
} from './ddcc/record-fields.js';
export type { SplitRecord, UnknownFieldsPolicy } from './ddcc/record-fields.js';
export { dccNameOf } from '@divoc/dcc';
export { vdsncNameOf, VDSNC_MAX_NAME } from '@divoc/vdsnc';
export { shortCertificateId, projectCredential, VDSNC_MAX_ID } from '@divoc/schemas';
export { defaultSuiteFor } from '@divoc/vc';

// Certificate ids (the `divoc issue` rule).
export { certificateIdFor, isSafeCertificateId, SAFE_CERTIFICATE_ID_RULE } from './certificate-id/certificate-id.js';
export type { CertificateIdResult } from './certificate-id/certificate-id.js';

// Errors (discriminated on `code`).
export {
  IssuerError,
  IssuerInputError,
  IssuerRecordError,
  IssuerUnknownFieldsError,
  IssuerCertificateIdError,
  IssuerFormatError,
  isIssuerError,
} from './lib/errors.js';
export type {
  AnyIssuerError,
  IssuerErrorCode,
  FormatFailureCode,
  FormatName,
  IssuerRecordIssue,
  UnknownField,
} from './lib/errors.js';
export { describeUnknownField, listUnknownFields, unknownFieldMessage } from './lib/errors.js';
