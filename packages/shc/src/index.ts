/**
 * SMART Health Cards: JWS, FHIR bundles, `shc:/` QR text, issuer directories and the `shc` format.
 *
 * @module @divoc/shc
 */
export type {
  FhirResource,
  FhirBundleEntry,
  FhirBundle,
  ShcVc,
  ShcPayload,
  ShcHeader,
  DecodedShc,
  HealthCardFile,
  ShcPublicJwk,
  ShcJwks,
  RevocationList,
} from './types.js';

export {
  ShcError,
  ShcInputInvalidError,
  ShcInputTooLargeError,
  ShcJwsMalformedError,
  ShcHeaderInvalidError,
  ShcInflateError,
  ShcPayloadInvalidError,
  ShcQrInvalidError,
  ShcChunksInvalidError,
  ShcFileInvalidError,
  ShcCredentialUnsupportedError,
  ShcOptionsInvalidError,
  ShcRevocationListInvalidError,
  ShcDirectoryInvalidError,
  ShcSignatureInvalidError,
  ShcKeyNotTrustedError,
  ShcIssuerMismatchError,
  ShcUnsafeJsonError,
  ShcKeyExpiredError,
  ShcNotYetValidError,
  ShcExpiredError,
  ShcRevokedError,
  isShcError,
} from './lib/errors.js';
export type { AnyShcError, ShcErrorCode } from './lib/errors.js';
export { LIMITS as SHC_LIMITS } from './lib/limits.js';

// FHIR
export { credentialToFhirBundle, SHC_TYPES } from './fhir/bundle.js';
export type { FhirBundleOptions, CredentialBundle } from './fhir/bundle.js';
export { minimizeFhirBundle } from './fhir/minimize.js';
export { CVX_BY_VACCINE, LOINC as SHC_LOINC, SNOMED_RESULT, SYSTEM as FHIR_SYSTEMS } from './fhir/codes.js';

// Issue
export { issueShc, createShcPayload, signShcPayload } from './jws/sign.js';
export type { IssueShcOptions, IssuedShc, SignShcOptions, ShcPayloadOptions } from './jws/sign.js';

// Decode / verify
export { decodeShc, detectShc } from './jws/decode.js';
export type { ShcInput } from './jws/decode.js';
export { verifyShc } from './verify/verify.js';
export type { VerifyShcOptions, VerifyShcPolicy, ShcVerificationResult } from './verify/verify.js';

// QR, files, keys, revocation, directory
export { encodeShcQr, decodeShcQr } from './qr/numeric.js';
export { createHealthCardFile, readHealthCardFile } from './file/health-card-file.js';
export { exportIssuerJwks } from './jwks/export.js';
export type { IssuerKeyEntry } from './jwks/export.js';
export { computeRid, createRevocationList, parseRevocationList, isRevoked } from './revocation/crl.js';
export type { ComputeRidOptions, Revocation, CreateRevocationListOptions } from './revocation/crl.js';
export { loadIssuerDirectory } from './directory/directory.js';
export type {
  IssuerDirectory,
  IssuerDirectoryEntry,
  LoadIssuerDirectoryOptions,
  LoadedIssuer,
  LoadedIssuerDirectory,
} from './directory/directory.js';
export { shcFormat } from './format/shc.js';
export { shcIssuerOf } from './format/signing-key.js';
export type { ShcSigningKey } from './format/signing-key.js';
export { summarizeShc } from './format/summary.js';
