/**
 * The WHO DDCC core data set: types, JSON Schemas, JSON-LD contexts, value sets, and the format-plugin interface.
 *
 * @module @divoc/schemas
 */
export * from './types.js';

// Errors (discriminated on `code`).
export {
  UnknownContextError,
  ContextConflictError,
  InvalidContextError,
  RecordValidationError,
  UnknownCredentialTypeError,
  CredentialTypeDefinitionError,
  InvalidBuildOptionsError,
  AjvMissingError,
} from './errors.js';
export type { SchemasError } from './errors.js';

// JSON-LD contexts and the static document loader.
export { CONTEXT_URLS, divocContextUrls } from './contexts/urls.js';
export type { ContextUrl, ContextHost, ContextProfile } from './contexts/urls.js';
export { bundledContexts } from './contexts/bundled.js';
export { createDocumentLoader } from './contexts/loader.js';
export type { DocumentLoaderOptions, ContextSource } from './contexts/loader.js';

// Credential types, validation and building.
export type {
  BuildOptions,
  Credential,
  CredentialRecord,
  CredentialTypeDefinition,
  CredentialTypeLookup,
  ResolvedBuildOptions,
} from './registry/definition.js';
export { CredentialTypeRegistry, defaultRegistry, registerCredentialType } from './registry/registry.js';
export type { CredentialTypeRegistryOptions } from './registry/registry.js';
export { validateCredential, validateCredentialAsync } from './validate.js';
export { useAjv } from './lib/ajv-compile.js';
export type { AjvConstructor } from './lib/ajv-compile.js';
/** @internal The helpers precompiled validators call (the DCC schema's in @divoc/dcc). */
export * as ajvRuntime from './lib/ajv-runtime.js';
export type { ValidateOptions } from './validate.js';
export { buildCredential } from './build.js';
export {
  vaccinationCredentialType,
  vaccinationV2CredentialType,
  testCertificateCredentialType,
  recoveryCredentialType,
} from './templates/index.js';
export { credentialFrame } from './templates/common.js';

// JSON Schemas (draft 2020-12), as objects.
export {
  vaccinationCredentialSchema,
  vaccinationV2CredentialSchema,
  testCertificateCredentialSchema,
  recoveryCredentialSchema,
} from './schemas/credentials.js';
export { vaccinationRecordSchema, vaccinationV2RecordSchema } from './templates/vaccination.js';
export { testRecordSchema } from './templates/test-certificate.js';
export { recoveryRecordSchema } from './templates/recovery.js';
export { credentialEnvelope as credentialEnvelopeSchema } from './schemas/parts.js';
export type { JsonSchema, EnvelopeOptions as CredentialEnvelopeSchemaOptions } from './schemas/parts.js';

// Value sets and vaccine codes.
export { dccValueSets, lookupValueSet } from './valuesets/index.js';
export type {
  DccValueSets,
  DccValueSetName,
  ValueSet,
  ValueSetEntry,
  VaccineEncodingInstruction,
} from './valuesets/index.js';
export {
  resolveVaccine,
  knownVaccines,
  ICD11_COVID19_VACCINE,
  ATC_COVID19_VACCINES,
  COVID19_DISEASE,
} from './valuesets/vaccines.js';
export type { ResolvedVaccine } from './valuesets/vaccines.js';

// WHO DDCC core data set (one typed view of a credential, for mapping to every format).
export * from './ddcc/index.js';
export * from './ddcc/fhir.js';
export * from './formats/index.js';
