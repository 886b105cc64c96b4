import type { BitstringStatusListEntry } from '@divoc/status';

/** A display entry of OpenID4VCI metadata: a name in one language. */
export interface Oid4vciDisplay {
  name: string;
  /** BCP 47 language tag (`en`, `hi`). */
  locale: string;
  description?: string;
}

/** One credential type offered over OpenID4VCI: a template of `@divoc/schemas`' registry and how wallets show it. */
export interface Oid4vciCredentialType {
  /** Template name (`vaccination`, `test`, `recovery`, or a custom type registered in the default registry). */
  template: string;
  /** Names wallets show. Default: English and Hindi for the built-in types, the template name otherwise. */
  display?: readonly Oid4vciDisplay[];
}

/** OpenID4VCI issuance (pre-authorized code flow) of the service. */
export interface Oid4vciConfig {
  /** Off unless true. */
  enabled?: boolean;
  /**
   * The credential issuer identifier (an http(s) URL, no query or fragment): the metadata lives under it. Default the
   * service's public URL, or the address it listens on.
   */
  credentialIssuer?: string;
  /** Credential types offered. Default every template of the default registry. */
  credentialTypes?: readonly Oid4vciCredentialType[];
  /** Lifetime of a pre-authorized code. Default 600 s. */
  offerTtlSeconds?: number;
  /** Lifetime of an access token. Default 600 s. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of a nonce from the nonce endpoint. Default 300 s. */
  nonceTtlSeconds?: number;
  /** Most proofs (holder-bound copies) in one credential request. Default 5. */
  batchSize?: number;
  /** Most copies issued under one offer, over all its requests. Default `batchSize` × its configurations. */
  maxCopiesPerOffer?: number;
  /** Transaction code attempts allowed per offer (right or wrong); past them the offer is dead. Default 5. */
  maxTxCodeAttempts?: number;
  /** Accepted `alg` of holder proofs. Default `['ES256', 'EdDSA', 'Ed25519']`; `none` and HMAC are never accepted. */
  proofAlgorithms?: readonly string[];
  /** Format issuers besides the built-in `ldp_vc` (one per OpenID4VCI format, e.g. `dc+sd-jwt`). */
  formatIssuers?: readonly Oid4vciFormatIssuer[];
}

/** The holder key a proof of possession named, checked. */
export interface HolderKey {
  /** Its public JWK. */
  jwk: JsonWebKey;
  /** `did:key` of the key (Ed25519 and P-256; undefined for other keys). */
  did?: string;
}

/** What a format issuer gets to issue one holder-bound copy. */
export interface FormatIssueInput {
  /** The credential configuration asked for. */
  configurationId: string;
  template: string;
  /** The record, checked against the template when the offer was made. */
  record: Readonly<Record<string, unknown>>;
  certificateId: string;
  /**
   * The unsigned W3C credential of the record (`buildCredential` of `@divoc/schemas` with the service's issuer, VC
   * version and contexts; no holder binding, no status): what a format signs, after binding it to the holder.
   */
  unsigned: Readonly<Record<string, unknown>>;
  /** The key the copy is bound to. */
  holder: HolderKey;
  /** The credential issuer identifier (the service's URL). */
  credentialIssuer: string;
  /** A Bitstring Status List entry allocated for this copy (only for `statusKind: 'bitstring'` issuers). */
  bitstringStatus?: BitstringStatusListEntry;
}

/** One issued copy. */
export interface FormatIssued {
  /** What goes into `credentials[].credential`: a JSON object (ldp_vc) or a string (dc+sd-jwt). */
  credential: string | Record<string, unknown>;
  /**
   * Stored in the credential store when given (so `GET /credentials/{id}` and revocation know it): the JSON
   * credential and text outputs.
   */
  store?: { credential: Record<string, unknown>; outputs?: Record<string, unknown> };
}

/**
 * Issues one OpenID4VCI credential format. The service handles offers, tokens, nonces, proofs and storage; the format
 * issuer says what it offers for a credential type and signs one copy bound to a holder key.
 */
export interface Oid4vciFormatIssuer {
  /** The OpenID4VCI format identifier (`ldp_vc`, `dc+sd-jwt`). */
  format: string;
  /** The revocation entry the service allocates for each copy: a Bitstring Status List entry, or none. */
  statusKind: 'bitstring' | 'none';
  /**
   * The format-specific members of a credential configuration for a template (`credential_definition` for ldp_vc,
   * `vct` for dc+sd-jwt, `credential_signing_alg_values_supported`...). The service adds the common members.
   */
  configuration(template: string): Record<string, unknown>;
  /** Signs one copy. */
  issue(input: FormatIssueInput): Promise<FormatIssued>;
  /** Public keys verifiers check this format's signatures with, served at `/.well-known/jwt-vc-issuer`. */
  publicJwks?(): readonly JsonWebKey[];
}
