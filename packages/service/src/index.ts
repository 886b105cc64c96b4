/**
 * The HTTP issuing and verifying service (`divoc serve`).
 *
 * @module @divoc/service
 */
export { createService, startService, isLoopbackHost, ROUTES } from './service.js';
export type { RunningService } from './service.js';
export type {
  ServiceConfig,
  ServiceKeys,
  ServiceVcKey,
  IssuableFormat,
  LogSink,
  ServiceThreads,
  ThreadKeySource,
} from './config/types.js';
export { loadServiceConfig, parseServiceConfig, defaultKeyLoader } from './config/file.js';
export type { ServiceConfigFile, KeyLoader, LoadedSigningKey, LoadServiceConfigOptions } from './config/file.js';
export { createAuthenticator, sha256Hex, SCOPES } from './auth/auth.js';
export type { AuthConfig, ApiKeyConfig, JwtAuthConfig, Client, Scope } from './auth/auth.js';
export type { RateLimitConfig } from './lib/rate-limit.js';
export { openApiDocument } from './openapi.js';
export type { RouteDoc } from './openapi.js';
export {
  createMemoryStorage,
  MemoryCredentialStore,
  MemoryIdempotencyStore,
  MemoryStatusListStore,
  MemoryOid4vciStore,
  MemoryOid4vpStore,
} from './storage/memory.js';
export { createPostgresStorage } from './storage/postgres.js';
export type { PostgresStorageOptions } from './storage/postgres.js';
export type {
  ServiceStorage,
  CredentialStore,
  IdempotencyStore,
  IdempotencyBegin,
  StatusListStore,
  StatusListRecord,
  StoredCredential,
  StoredResponse,
  IdempotencyCompletion,
  StoredOffer,
  Oid4vciStore,
  Oid4vpStore,
  StoredPresentationRequest,
  PresentationOutcome,
  PresentedCredentialOutcome,
} from './storage/types.js';
export { Oid4vciError } from './oid4vci/errors.js';
export type { Oid4vciErrorCode } from './oid4vci/errors.js';
export { OID4VCI_ROUTES } from './oid4vci/routes.js';
export { configurationIdOf, offerLink, PRE_AUTHORIZED_GRANT, OFFER_SCHEME } from './oid4vci/issuer.js';
export { PROOF_TYP } from './oid4vci/proof.js';
export type {
  Oid4vciConfig,
  Oid4vciCredentialType,
  Oid4vciDisplay,
  Oid4vciFormatIssuer,
  FormatIssueInput,
  FormatIssued,
  HolderKey,
} from './oid4vci/types.js';
export { Oid4vpError } from './oid4vp/errors.js';
export type { Oid4vpErrorCode } from './oid4vp/errors.js';
export { OID4VP_ROUTES } from './oid4vp/routes.js';
export { presentationRequestLink, PRESENTATION_REQUEST_SCHEME } from './oid4vp/verifier.js';
export type { Oid4vpConfig } from './oid4vp/types.js';
export { ServiceError, ServiceConfigError, StorageError, isServiceError } from './lib/errors.js';
export type { ServiceErrorCode, AnyServiceError } from './lib/errors.js';
