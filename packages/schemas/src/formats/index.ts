export type {
  CredentialFormatPlugin,
  FormatInput,
  FormatDetection,
  DecodedCredential,
  FormatTrust,
  CertificateSignerResult,
  FormatVerifyContext,
  FormatEvidence,
  RevocationHandle,
  HcertRevocationFacts,
  VerificationWarning,
  VerificationDetails,
  EventKind,
  CredentialSummary,
  FormatIssuance,
  FormatIssueInput,
  FormatReencodeInput,
  FormatIssued,
  FormatFiles,
} from './plugin.js';
export { FormatRegistry, FormatRegistryError } from './registry.js';
export { FormatIssueError } from './issue-error.js';
export type { FormatIssueErrorCode } from './issue-error.js';
export {
  isJsonRecord,
  summaryText,
  summaryCount,
  summaryDay,
  firstRecord,
  typeNames,
  valueSetDisplay,
  cleanSummary,
} from './summary-fields.js';
export type { JsonRecord } from './summary-fields.js';
export {
  passedCheck,
  failedCheck,
  stableErrorCode,
  errorMessageOf,
  trustFailureOf,
  evidenceFrom,
  undecodableEvidence,
} from './evidence.js';
