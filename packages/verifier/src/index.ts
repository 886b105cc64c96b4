/**
 * Verify a credential of any format against a trust configuration, with one result shape for every format.
 *
 * @module @divoc/verifier
 */
export { verify } from './verify/verify.js';
export { DEFAULT_LIMITS } from './verify/input.js';
export { toJsonReport } from './report.js';
export type { JsonReportOptions } from './report.js';
export { summarize } from './summary/summary.js';
export { Trust, DIVOC_KEY_ID, MAX_TRUST_TEXT, MAX_BUNDLE_CERTIFICATES } from './trust/trust.js';
export type {
  TrustAddOptions,
  TrustSourceKind,
  TrustSourceSummary,
  WellKnownMaterial,
  DccSignerListOptions,
  DccTrustAnchor,
} from './trust/trust.js';
export { MAX_DID_TRUST_LIST_ENTRIES } from './trust/did-trust-list.js';
export type { DidTrustListProblem } from './trust/did-trust-list.js';
export {
  ERR_KEY_USE,
  ERR_PRESENTATION_AUDIENCE_MISMATCH,
  ERR_PRESENTATION_BINDING_MISSING,
  ERR_PRESENTATION_NONCE_MISMATCH,
  ERR_PRESENTATION_NOT_FRESH,
  PRESENTATION_MAX_AGE_SECONDS,
  PRESENTATION_CLOCK_SKEW_SECONDS,
} from './trust/decide.js';
export { CREDENTIAL_FORMATS } from './types.js';
export type {
  Check,
  CheckName,
  CredentialFormat,
  CredentialSummary,
  EventKind,
  PresentationExpectation,
  RevocationData,
  VerificationDetails,
  VerificationPolicy,
  VerificationResult,
  VerificationWarning,
  VerifyInput,
  VerifyLimits,
  VerifyOptions,
} from './types.js';
export {
  VerifierErrorBase,
  TrustUnrecognizedError,
  TrustInvalidError,
  TrustUnreadableError,
  VerifierOptionsError,
  isVerifierError,
} from './lib/errors.js';
export type { VerifierError, VerifierErrorCode, InputCheckCode } from './lib/errors.js';
