import type { Signer, SignatureAlgorithm, TrustedKey, TrustOption } from '@divoc/keys';
import type { CredentialTypeLookup, DocumentLoader } from '@divoc/schemas';

/**
 * Result shapes shared with the CLI's `--json` output and, later, `@divoc/verifier`. Keep stable.
 */

/** Check names and the check shape are shared by every format; they live in `@divoc/keys`. */
export type { CheckName, Check } from '@divoc/keys';
import type { Check } from '@divoc/keys';

/** Proof suites this package issues and verifies. */
export type SuiteName =
  'eddsa-rdfc-2022' | 'Ed25519Signature2020' | 'ecdsa-rdfc-2019' | 'RsaSignature2018' | 'Ed25519Signature2018';

/* ------------------------------------------------------------------------------------------------------------ */
/* Credential and option shapes (added by @divoc/vc; the contract types above are unchanged).                   */
/* ------------------------------------------------------------------------------------------------------------ */

/** A JSON value, as parsed by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A JSON object as `JSON.parse` returns it. */
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** A credential without a proof: a JSON-LD object with `@context` and `type` at least. */
export interface UnsignedCredential extends JsonObject {
  '@context': JsonValue;
  type: string | string[];
}

/** A proof as written into a credential (Data Integrity or legacy jsonld-signatures). */
export interface Proof extends JsonObject {
  type: string;
  cryptosuite?: string;
  created?: string;
  verificationMethod?: string;
  proofPurpose?: string;
  /** Data Integrity / Ed25519Signature2020: multibase signature. */
  proofValue?: string;
  /** RsaSignature2018 / Ed25519Signature2018: detached JWS. */
  jws?: string;
}

export interface SignedCredential extends UnsignedCredential {
  proof: Proof;
}

/** What a suite needs to compute its verify data: an offline loader and a (memoised) canonicaliser. */
export interface SuiteContext {
  documentLoader: DocumentLoader;
  /** RDFC-1.0 canonical N-Quads of a JSON-LD document (safe mode). Memoised per object within one operation. */
  canonize(document: JsonObject): Promise<string>;
}

/** The proof fields an issuer chose, before signing. */
export interface ProofOptions {
  verificationMethod: string;
  /** `YYYY-MM-DDTHH:mm:ssZ` (or any xsd:dateTime the caller passed). */
  created: string;
  proofPurpose: string;
  /** Presentation proofs: the verifier's nonce, signed with the proof so it cannot be replayed elsewhere. */
  challenge?: string;
  /** Presentation proofs: the verifier the presentation is meant for. */
  domain?: string;
}

/**
 * A proof suite plug-in (in the style of digitalbazaar's jsonld-signatures suites).
 * `createProof` gets the document WITHOUT proof and with its final `@context`; `verifyProof` gets the document
 * without proof, the proof, and the candidate keys that answer to the proof's verification method.
 */
export interface ProofSuite {
  /** Proof `type` (e.g. `DataIntegrityProof`, `RsaSignature2018`). */
  readonly type: string;
  /** Data Integrity `cryptosuite` (e.g. `eddsa-rdfc-2022`), when the suite is one. */
  readonly cryptosuite?: string;
  /** Signature algorithms a signer or key must use with this suite. */
  readonly algorithms: readonly SignatureAlgorithm[];
  /** Context defining the suite's terms, added to credentials that lack it (see `contextIncludedBy`). */
  readonly contextUrl?: string;
  /** Contexts that already define the suite's terms, so `contextUrl` need not be added. */
  readonly contextIncludedBy?: readonly string[];
  /** Signs `document` and returns the proof to attach (the caller adds it to the credential). */
  createProof(args: {
    document: JsonObject;
    signer: Signer;
    options: ProofOptions;
    context: SuiteContext;
  }): Promise<Proof>;
  /** Resolves to the key that verified, or `null` when none did. Throws `VcError` for a malformed proof. */
  verifyProof(args: {
    document: JsonObject;
    proof: Proof;
    keys: readonly TrustedKey[];
    context: SuiteContext;
  }): Promise<TrustedKey | null>;
}

/** Options of `issueCredential`: the signer, the suite, and the proof's fields. */
export interface IssueOptions {
  signer: Signer;
  /** A built-in suite name or a custom suite object. Default `eddsa-rdfc-2022`. */
  suite?: SuiteName | ProofSuite;
  /** Verification method written into the proof. Default `signer.id`. */
  verificationMethod?: string;
  /** Proof creation time. Default now, to the second. */
  created?: Date | string;
  /** Default `assertionMethod`. */
  proofPurpose?: string;
  /** Default `createDocumentLoader()` from `@divoc/schemas` (bundled contexts only, never the network). */
  documentLoader?: DocumentLoader;
  /** Add the suite's context when the credential lacks it. Default true. */
  addSuiteContext?: boolean;
}

/** Anything that answers "which trusted keys have this id" (a `TrustStore` from `@divoc/keys`). */
export interface KeyResolver {
  /** The trusted keys that answer to this id (verification method, DID URL or alias); empty when none does. */
  resolve(id: string): readonly TrustedKey[];
}

/** Options of `verifyCredential`: the trusted keys, the clock, the document loader and what to check. */
export interface VerifyOptions {
  /**
   * Required: keys the verifier trusts (the verifier's `Trust`, or a `TrustStore`); the proof's verification
   * method is looked up here.
   */
  trust?: TrustOption<KeyResolver>;
  /** @deprecated use `trust` */
  trustStore?: KeyResolver;
  documentLoader?: DocumentLoader;
  /** Validation clock. Default now. */
  now?: Date;
  /** Run `validateCredential` for credential types the registry knows. Default true. */
  checkSchema?: boolean;
  /** Credential types for the schema check (and their contexts, for the default loader). Default `defaultRegistry`. */
  registry?: CredentialTypeLookup;
  /** Extra or replacement suites, matched by proof `type` (and `cryptosuite`). */
  suites?: readonly ProofSuite[];
}

/**
 * Sibling keys of one JSON object node that expand to the same predicate IRI (see `findAmbiguousTerms`). The signed
 * RDF does not say which of them carries which value: swapping their values keeps the signature valid.
 */
export interface AmbiguousTermGroup {
  /** The predicate IRI they share, e.g. `https://schema.org/id`. */
  iri: string;
  /** The keys as written, in document order (a key under a `@nest` alias as `alias.key`). */
  terms: string[];
  /**
   * JSON path of the node: `''` for the credential itself, `credentialSubject`, `evidence[0]`,
   * `evidence[0].facility`; a key that is no identifier as `["sign-image"]`.
   */
  path: string;
  /** Set when the keys are reverse properties (the node is their object). */
  reverse?: true;
}

/** The result of `verifyCredential`: valid or not, the checks in order, and what the proof said. */
export interface CredentialVerificationResult {
  valid: boolean;
  format: 'w3c-vc';
  issuer?: string;
  verificationMethod?: string;
  /** Suite name: the `cryptosuite` for Data Integrity proofs, else the proof `type`. */
  suite?: string;
  checks: Check[];
  credential?: JsonObject;
  /** The trusted key under which the signature verified (whether or not the other checks passed). */
  signer?: TrustedKey;
  /** The proof's `created` time, when it states one. */
  signedAt?: Date;
  /**
   * Groups of sibling terms whose values the signature does not bind to their term (several terms of one node with
   * one predicate IRI, e.g. DIVOC's `certificateId`/`batch`/`vaccine`/`manufacturer` → `schema:id`). A warning, not a
   * failure: their values may have been swapped after signing. Present only when there is at least one group.
   */
  ambiguousTerms?: AmbiguousTermGroup[];
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Verifiable Presentations.                                                                                     */
/* ------------------------------------------------------------------------------------------------------------ */

/** A presentation without a proof: `@context`, `type` (with `VerifiablePresentation`), the holder and credentials. */
export interface UnsignedPresentation extends JsonObject {
  '@context': JsonValue;
  type: string | string[];
  holder?: string;
  verifiableCredential?: JsonValue;
}

/** A presentation signed by its holder (`signPresentation`). */
export interface SignedPresentation extends UnsignedPresentation {
  proof: Proof;
}

/** Options of `createPresentation`. */
export interface CreatePresentationOptions {
  /** The signed credential(s) to present. */
  verifiableCredential?: JsonObject | readonly JsonObject[];
  /** The holder's DID (a `did:key` for `verifyPresentation`): the subject of credentials bound to the holder. */
  holder?: string;
  /** Optional presentation id (a URL or `urn:uuid:`). */
  id?: string;
}

/** Options of `signPresentation`: those of `issueCredential`, plus the verifier's challenge and domain. */
export interface SignPresentationOptions extends IssueOptions {
  /** The verifier's nonce (OpenID4VP: the request's `nonce`). */
  challenge: string;
  /** The verifier the presentation is for (OpenID4VP: the request's `client_id`). */
  domain?: string;
  /** Default `authentication`, the only purpose `verifyPresentation` accepts. */
  proofPurpose?: string;
}

/** Options of `verifyPresentation`. */
export interface VerifyPresentationOptions extends Pick<
  VerifyOptions,
  'trust' | 'documentLoader' | 'now' | 'checkSchema' | 'registry' | 'suites'
> {
  /** The challenge the verifier issued; the proof must carry exactly this one. */
  challenge: string;
  /** When given, the proof's `domain` must be exactly this. */
  domain?: string;
  /**
   * Require every credential's `credentialSubject.id` to be the presentation's `holder` (so only the subject can
   * present it). Default true; `false` accepts credentials about someone else.
   */
  holderBinding?: boolean;
}

/** The result of `verifyPresentation`. */
export interface PresentationVerificationResult {
  /** True only when every check passed. */
  valid: boolean;
  /** Checks in order: `decode`, `signature`, `key-usage`, `trust`. */
  checks: Check[];
  /** The holder the presentation names. */
  holder?: string;
  /** The proof's verification method. */
  verificationMethod?: string;
  /** Suite name: the `cryptosuite` for Data Integrity proofs, else the proof `type`. */
  suite?: string;
  /** The result of `verifyCredential` for each embedded credential, in order. */
  credentials: CredentialVerificationResult[];
  /** The presentation as verified (a copy). */
  presentation?: JsonObject;
}
