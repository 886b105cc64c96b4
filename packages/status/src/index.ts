/**
 * Revocation: W3C Bitstring status lists, DCC revocation lists, SHC revocation and DIVOC revocation lists.
 *
 * @module @divoc/status
 */
export {
  StatusBaseError,
  StatusOptionsInvalidError,
  StatusListInvalidError,
  StatusEntryInvalidError,
  StatusIndexOutOfRangeError,
  StatusIndexInUseError,
  StatusListFullError,
  StatusPurposeMismatchError,
  RevocationListInvalidError,
  isStatusError,
} from './lib/errors.js';
export type { StatusError, StatusErrorCode, StatusCheckCode } from './lib/errors.js';

// W3C Bitstring Status List v1.0
export {
  MIN_BITSTRING_BITS,
  DEFAULT_MAX_BITSTRING_BYTES,
  DEFAULT_MAX_TOTAL_BITSTRING_BYTES,
  encodeBitstring,
  decodeBitstring,
} from './bitstring/codec.js';
export { MAX_REVOCATION_LIST_CHARS } from './lib/limits.js';
export type { DecodeBitstringOptions } from './bitstring/codec.js';
export {
  createStatusList,
  isStatusList,
  allocateStatusEntry,
  statusEntryFor,
  isAllocatedIndex,
  getStatus,
  setStatus,
  isSet,
  revoke,
  suspend,
  unsuspend,
  encodeStatusList,
  serializeStatusList,
  loadStatusList,
  STATUS_PURPOSES,
  MAX_SERIALIZED_STATUS_LIST_CHARS,
} from './bitstring/list.js';
export type {
  StatusList,
  StatusPurpose,
  StatusMessage,
  StatusAllocation,
  CreateStatusListOptions,
  BitstringStatusListEntry,
  SerializedStatusList,
} from './bitstring/list.js';
export {
  statusListCredential,
  publishStatusList,
  parseStatusListCredential,
  MAX_STATUS_LIST_CREDENTIAL_CHARS,
} from './bitstring/credential.js';
export type { PublishStatusListOptions, ParsedStatusListCredential } from './bitstring/credential.js';
export { addCredentialStatus, checkStatus, statusEntryProblem, verifyCredentialWithStatus } from './bitstring/check.js';
export type { CheckStatusOptions, StatusListSource, VerifyWithStatusOptions } from './bitstring/check.js';

// DIVOC revoked-certificate lists
export {
  createDivocRevocationList,
  findDivocRevocation,
  isDivocCertificateRevoked,
  divocCertificateId,
  divocCertificateIdCandidates,
  checkDivocRevocation,
} from './divoc/index.js';
export type {
  DivocRevocationList,
  DivocRevokedCertificate,
  DivocReplacement,
  DivocRevocation,
  DivocCertificateIdCandidate,
  CheckDivocRevocationOptions,
} from './divoc/index.js';

// SMART Health Cards revocation lists (rid): list logic from @divoc/shc, the check here
export { checkShcRevocation } from './shc/index.js';
export type { ShcRevocationList, ShcRevocationSubject, CheckShcRevocationOptions } from './shc/index.js';
export {
  parseRevocationList as parseShcRevocationList,
  createRevocationList as createShcRevocationList,
  isRevoked as isRidRevoked,
  computeRid,
} from '@divoc/shc';

// EU DCC revocation
export {
  createDccRevocationList,
  dccRevocationHashes,
  isDccRevoked,
  checkDccRevocation,
  pruneExpiredDccRevocationLists,
  DCC_REVOCATION_HASH_TYPES,
} from './dcc/index.js';
export type {
  DccRevocationList,
  DccRevocationHashType,
  DccRevocationInput,
  DccRevocationHashes,
  DccRevocationSubject,
} from './dcc/index.js';
