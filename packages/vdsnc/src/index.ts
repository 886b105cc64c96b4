/**
 * ICAO Visible Digital Seals for non-constrained environments (VDS-NC) and the `vdsnc` format.
 *
 * @module @divoc/vdsnc
 */
export type { VdsncType, VdsncHeader, VdsncSeal, DecodedVdsnc, JsonValue, JsonObject } from './types.js';

export {
  VdsncError,
  VdsncMalformedError,
  VdsncUnsafeJsonError,
  VdsncTooLargeError,
  VdsncAlgorithmUnsupportedError,
  VdsncCertificateInvalidError,
  VdsncSignatureInvalidError,
  VdsncNotTrustedError,
  VdsncCertificateExpiredError,
  VdsncKeyUsageError,
  VdsncSchemaInvalidError,
  JcsInvalidError,
  VdsncIssueError,
  isVdsncError,
} from './lib/errors.js';
export type { VdsncErrors, VdsncErrorCode } from './lib/errors.js';

export { canonicalizeJson, canonicalJsonBytes } from './jcs/index.js';
export { decodeVdsnc, detectVdsnc, MAX_SEAL_BYTES } from './decode/index.js';
export { verifyVdsnc } from './verify/index.js';
export type { VerifyVdsncOptions, VdsncVerificationResult, CscaSource, CscaHolder } from './verify/index.js';
export { issueVdsnc, encodeVdsnc } from './issue/index.js';
export type { IssueVdsncOptions } from './issue/index.js';
export {
  createDevelopmentCsca,
  createDevelopmentSigner,
  createDevCsca,
  createDevSignerCertificate,
} from './certificate/dev.js';
export type {
  CreateDevelopmentCscaOptions,
  DevelopmentCsca,
  CreateDevelopmentSignerOptions,
  DevelopmentSigner,
  DevCertificate,
  DevCscaOptions,
  DevSignerOptions,
} from './certificate/dev.js';
export { parseCertificate as parseSignerCertificate } from './certificate/parse.js';
export type { CertificateInfo } from './certificate/parse.js';
export {
  OID_EKU_VDSNC_SIGNER,
  OID_EKU_HEALTH_CSCA,
  OID_DOCUMENT_TYPE_LIST,
  DOCUMENT_TYPE_BY_SEAL_TYPE,
} from './certificate/oids.js';
export { toAlpha3 } from '@divoc/keys';
export { vdsncFormat, summarizeVdsnc } from './format/vdsnc.js';
export { issueVdsncFromDdcc, vdsncNameOf, VDSNC_MAX_NAME } from './format/issue.js';
