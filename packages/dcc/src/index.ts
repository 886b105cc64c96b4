/**
 * EU Digital COVID Certificates: HC1 text, COSE_Sign1, CWT, DCC JSON, trust lists and the `dcc` format.
 *
 * @module @divoc/dcc
 */
// Formats: HC1 text ↔ COSE_Sign1 ↔ CWT ↔ DCC JSON.
export {
  detectDcc,
  decodeDcc,
  unprefixHc1,
  hc1ToCose,
  HC1_PREFIX,
  MAX_HC1_LENGTH,
  MAX_COSE_BYTES,
} from './hc1/decode.js';
export type { DecodeDccOptions, DecodedDcc } from './hc1/decode.js';
export { encodeDcc } from './hc1/encode.js';
export type { EncodeDccOptions, EncodedDcc } from './hc1/encode.js';
export { verifyDcc } from './hc1/verify.js';
export type { VerifyDccOptions, DccVerificationPolicy, DccVerificationResult } from './hc1/verify.js';

// Issuing from our credentials.
export { issueDcc, credentialToDccPayload, DCC_VERSION } from './issue/issue.js';
export type { IssueDccOptions, IssuedDcc, CredentialToDccOptions } from './issue/issue.js';
export { transliterateIcao } from './issue/transliterate.js';

// Payload schema.
export { validateDccPayload, DCC_SCHEMA, DCC_SCHEMA_VERSION } from './schema/validate.js';
export type { DccValidationIssue, ValidateDccOptions } from './schema/validate.js';
export type { DccPayload, DccName, DccVaccination, DccTest, DccRecovery, DccCertificateType } from './types.js';

// UVCI.
export { createUvci, validateUvciChecksum, uvciCheckCharacter, UVCI_CHECKSUM_ALPHABET } from './uvci/uvci.js';
export type { CreateUvciOptions } from './uvci/uvci.js';

// Building blocks.
export { base45Encode, base45Decode } from './base45/base45.js';
export { zlibInflate, zlibDeflate, MAX_INFLATED_BYTES, MAX_INFLATE_RATIO } from './lib/zlib.js';
export { COSE_ALGORITHMS } from './cose/cose.js';
export type { DccAlgorithm } from './cose/cose.js';
export { certificateKid, certificateKidBase64 } from './lib/certificate.js';

// Trust and development PKI.
export { loadDccSignerList, loadDccTrustList, DCC_TRUST_LIST_CERTIFICATE_TYPES } from './trust/signer-list.js';
export type {
  LoadDccSignerListOptions,
  LoadDccTrustListOptions,
  LoadedDccTrustList,
  DccTrustListCertificateType,
} from './trust/signer-list.js';
export {
  createDevelopmentCsca,
  createDevelopmentSigner,
  createDocumentSignerCertificate,
  DCC_KEY_USAGE_OIDS,
} from './pki/dev-pki.js';
export type {
  CreateDevelopmentCscaOptions,
  DevelopmentCsca,
  CreateDevelopmentSignerOptions,
  DevelopmentSigner,
  CreateDocumentSignerOptions,
  DocumentSignerCertificate,
} from './pki/dev-pki.js';

// Errors (discriminated on `code`).
export {
  DccError,
  DccInputError,
  DccPrefixError,
  DccBase45Error,
  DccCompressionError,
  DccCoseError,
  DccCwtError,
  DccAlgorithmError,
  DccSignatureError,
  DccKeyNotTrustedError,
  DccIssuerMismatchError,
  DccExpiredError,
  DccNotYetValidError,
  DccSignerCertificateExpiredError,
  DccKeyUsageError,
  DccSchemaError,
  DccEncodeError,
  DccUvciError,
  DccCertificateError,
  DccTrustListError,
  DvcSchemaError,
  DvcExpiredError,
  DvcNotYetValidError,
  isDccError,
} from './lib/errors.js';
export type { AnyDccError, DccErrorCode, DccTrustListErrorCode } from './lib/errors.js';
export { dccFormat, summarizeDcc } from './format/dcc.js';
export { issueDccFromDdcc, dccNameOf } from './format/issue.js';

// WHO Digital Vaccination Certificates (HCERT -260 → -6) and their ICVP profile.
export { dvcCoreDataSet, dvcPayloadOf, DVC_CERTIFICATE_TYPES } from './dvc/core-data-set.js';
export {
  validateDvcPayload,
  dvcProfileOf,
  dvcVaccinations,
  isIcd11Code,
  DVC_SYSTEMS,
  HCERT_DVC,
} from './dvc/payload.js';
export type { DvcPayload, DvcVaccination, DvcProfile, DvcValidationIssue } from './dvc/payload.js';
export { decodeDvc, verifyDvc, encodeDvc } from './dvc/dvc.js';
export type { DecodedDvc, VerifyDvcOptions, DvcVerificationResult, EncodeDvcOptions, EncodedDvc } from './dvc/dvc.js';
export { peekHcertKind } from './dvc/peek.js';
export type { HcertKind } from './dvc/peek.js';
export { dvcFormat, icvpFormat, summarizeDvc } from './format/dvc.js';
