import type { ContextHost, ContextProfile } from '../contexts/urls.js';
import type { JsonSchema } from '../schemas/parts.js';
import type { ValidationIssue } from '../types.js';

/** A flat registry record (camelCase fields), as an issuing system stores it. */
export type CredentialRecord = Record<string, unknown>;

/** A built (unsigned) Verifiable Credential. */
export interface Credential {
  '@context': Array<string | Record<string, unknown>>;
  type: string[];
  id?: string;
  issuer: string | { id: string; [key: string]: unknown };
  issuanceDate?: string;
  expirationDate?: string;
  validFrom?: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown>;
  evidence?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** Options of `buildCredential`. */
export interface BuildOptions {
  /** Issuer URI, e.g. `https://divoc.dev/` or a DID. */
  issuer: string;
  /** Defaults to now. A `Date` or an RFC 3339 date-time. */
  issuanceDate?: Date | string;
  /** Optional end of validity (`expirationDate` in VC 1.1, `validUntil` in VC 2.0). */
  expirationDate?: Date | string;
  /** Optional credential `id` (a URI). */
  id?: string;
  /** VC data model. Default `1.1`, which deployed DIVOC verifiers expect. */
  vcVersion?: '1.1' | '2.0';
  /**
   * Which URLs name DIVOC's contexts (with `context: 'divoc-legacy'`), and evidence ids of DID issuers. Default
   * `divoc.dev`.
   */
  contextHost?: ContextHost;
  /**
   * Contexts of the built-in templates. Default `'sdk'` (`https://divoc.dev/credentials/sdk/v2`: every term has its
   * own IRI). `'divoc-legacy'`: DIVOC's own contexts, for deployed verifier apps that need them; they leave
   * `certificateId`/`batch`/`vaccine`/`manufacturer`, `date`/`effectiveStart`/`effectiveUntil` and
   * `dose`/`totalDoses` unbound to their values (see `ContextProfile`). Registered types may ignore it.
   */
  context?: ContextProfile;
  /** Registry to look `type` up in. Default `defaultRegistry`. */
  registry?: CredentialTypeLookup;
}

/** Build options after defaults and checks, as a definition's `build` receives them. */
export interface ResolvedBuildOptions {
  issuer: string;
  /** RFC 3339, UTC (`...Z`). */
  issuanceDate: string;
  expirationDate?: string;
  id?: string;
  vcVersion: '1.1' | '2.0';
  contextHost: ContextHost;
  context: ContextProfile;
}

/** Describes one credential type; register it and the SDK builds, validates, signs and verifies it. */
export interface CredentialTypeDefinition {
  /** Template name, e.g. `vaccination`, `measles-rubella`. Unique in a registry. */
  name: string;
  /** The VC `type` entry it issues, e.g. `ProofOfVaccinationCredential`. */
  credentialType: string;
  description?: string;
  /** JSON-LD context documents this type brings, by URL (served by `createDocumentLoader`). `{}` if none. */
  contexts: Record<string, unknown>;
  /** The type's own context URLs, in `@context` order after the W3C base context. */
  contextUrls: readonly string[];
  /** JSON Schema (draft 2020-12) of the credential. */
  schema: JsonSchema;
  /** JSON Schema of the flat input record; checked before `build`. */
  recordSchema?: JsonSchema;
  /**
   * When several definitions share a `credentialType` (vaccination v1 and v2), says whether this one
   * describes `credential` (e.g. by its `@context`).
   */
  matches?(credential: Readonly<Record<string, unknown>>): boolean;
  /** Cross-field checks JSON Schema cannot express, on a credential that passed `schema`. */
  check?(credential: Readonly<Record<string, unknown>>): ValidationIssue[];
  /** Cross-field checks on a record that passed `recordSchema`. Paths in record terms (`$.dob`). */
  checkRecord?(record: Readonly<CredentialRecord>): ValidationIssue[];
  /** Maps a checked record to the unsigned credential. */
  build(record: Readonly<CredentialRecord>, options: ResolvedBuildOptions): Record<string, unknown>;
}

/** What `buildCredential` / `validateCredential` need from a registry. */
export interface CredentialTypeLookup {
  /**
   * The definition registered under this name or credential type. Throws `UnknownCredentialTypeError` when there is
   * none.
   */
  get(nameOrCredentialType: string): CredentialTypeDefinition;
  /** The definition of a credential, from its `type`; `undefined` when none is registered. */
  resolve(credential: Readonly<Record<string, unknown>>): CredentialTypeDefinition | undefined;
  /** Every registered definition. */
  list(): readonly CredentialTypeDefinition[];
  /** The JSON-LD context document a registered type brings for this URL (`undefined` when none does). */
  contextDocument(url: string): unknown;
}
