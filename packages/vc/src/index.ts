/**
 * W3C Verifiable Credentials: issue and verify Data Integrity / Linked Data proofs, sign and verify Verifiable
 * Presentations, and the `w3c-vc` and `vc-compact` formats.
 *
 * @module @divoc/vc
 */
export * from './types.js';
export { issueCredential } from './issue/index.js';
export { verifyCredential } from './verify/index.js';
export {
  createPresentation,
  signPresentation,
  verifyPresentation,
  MAX_PRESENTATION_CREDENTIALS,
} from './presentation/index.js';
export { canonize } from './canonize/index.js';
export { findAmbiguousTerms, readJsonPath, ambiguousTermPaths } from './canonize/ambiguity.js';
export type { CanonizeOptions } from './canonize/index.js';
export {
  suites,
  eddsaRdfc2022,
  ecdsaRdfc2019,
  ed25519Signature2020,
  rsaSignature2018,
  ed25519Signature2018,
} from './suites/index.js';
export { jsonWebSignature2020, JWS_2020_CONTEXT_URL } from './suites/json-web-signature-2020.js';
export {
  VcError,
  VcMalformedError,
  VcUnsafeJsonError,
  VcProofMissingError,
  VcUnsupportedSuiteError,
  VcSuiteAlgorithmMismatchError,
  VcSignatureInvalidError,
  VcSubjectIdUnsignedError,
  VcKeyNotTrustedError,
  VcKeyExpiredError,
  VcKeyPurposeError,
  VcIssuerMismatchError,
  VcNotYetValidError,
  VcExpiredError,
  VcSchemaInvalidError,
  JsonLdUnknownUrlError,
  JsonLdSafeModeError,
  VcHolderKeyError,
  VcChallengeMismatchError,
  VcDomainMismatchError,
  VcPresentedCredentialInvalidError,
  VcHolderMismatchError,
  isVcError,
} from './lib/errors.js';
export type { VcErrors, VcErrorCode } from './lib/errors.js';
export {
  encodeCompactCredential,
  decodeCompactCredential,
  detectCompactCredential,
  COMPACT_PREFIX,
  MAX_COMPACT_TEXT,
} from './compact/index.js';
export {
  CompactCredentialError,
  CompactFormatError,
  CompactTooLargeError,
  CompactVersionError,
  CompactPayloadError,
  CompactNotCredentialError,
  isCompactCredentialError,
} from './compact/errors.js';
export type { CompactCredentialErrors, CompactCredentialErrorCode } from './compact/errors.js';
export * from './format/index.js';
