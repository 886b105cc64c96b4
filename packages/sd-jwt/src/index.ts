/**
 * SD-JWT VC: issuing, presenting and verifying health credentials as IETF SD-JWT Verifiable Credentials, with holder
 * key binding and IETF Token Status Lists. Built on `@sd-jwt/*` with the SDK's signers and SHA-256.
 *
 * @module @divoc/sd-jwt
 */
export { issueSdJwtVc, issueSdJwtVcFromDdcc } from './issue.js';
export type { IssueSdJwtVcOptions } from './issue.js';
export { SD_JWT_VC_TYPES_BY_KIND } from './claims.js';
export type { SdJwtVcHealthClaims, SdJwtVcCoding } from './claims.js';
export { presentSdJwtVc } from './present.js';
export type { PresentSdJwtVcOptions } from './present.js';
export { verifySdJwtVc } from './verify.js';
export type {
  VerifySdJwtVcOptions,
  KeyBindingExpectation,
  SdJwtVcClaims,
  SdJwtVcVerificationResult,
} from './verify.js';
export { parseSdJwt, resolveDisclosures, SD_JWT_VC_TYPES, KB_JWT_TYPE } from './parse.js';
export type { ParsedSdJwt, SdJwtDisclosure } from './parse.js';
export type { ParsedJwt, SdJwtAlgorithm } from './lib/jwt.js';
export { SD_JWT_LIMITS } from './lib/limits.js';
export type { SdJwtLimits } from './lib/limits.js';
export { createStatusListToken, checkStatusListEntry, TOKEN_STATUS, STATUS_LIST_TOKEN_TYPE } from './status-list.js';
export type {
  CreateStatusListTokenOptions,
  CheckStatusListEntryOptions,
  StatusListReference,
  StatusListBits,
} from './status-list.js';
export { loadJwtVcIssuerMetadata, isJwtVcIssuerMetadata } from './metadata.js';
export type { JwtVcIssuerMetadata } from './metadata.js';
export { sdJwtVcFormat } from './format/sd-jwt-vc.js';
export type { SdJwtVcSigningKey } from './format/parts/issue.js';
export {
  SdJwtError,
  SdJwtInputInvalidError,
  SdJwtInputTooLargeError,
  SdJwtUnsafeJsonError,
  SdJwtMalformedError,
  SdJwtHeaderInvalidError,
  SdJwtPayloadInvalidError,
  SdJwtDisclosureInvalidError,
  SdJwtOptionsInvalidError,
  SdJwtCredentialUnsupportedError,
  SdJwtSignatureInvalidError,
  SdJwtKeyNotTrustedError,
  SdJwtIssuerMismatchError,
  SdJwtKeyExpiredError,
  SdJwtNotYetValidError,
  SdJwtExpiredError,
  SdJwtKeyBindingMissingError,
  SdJwtKeyBindingInvalidError,
  SdJwtStatusListInvalidError,
  SdJwtRevokedError,
  SdJwtIssuerMetadataInvalidError,
  isSdJwtError,
} from './lib/errors.js';
export type { AnySdJwtError, SdJwtErrorCode } from './lib/errors.js';
