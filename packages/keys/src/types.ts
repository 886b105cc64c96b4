/**
 * Contract types shared by every package that signs or verifies.
 * Keep these stable: suites (`@divoc/vc`, later DCC/SHC/VDS-NC) and KMS/HSM signers depend on them.
 */

/** Key families the SDK generates and imports. */
export type KeyType = 'Ed25519' | 'P-256' | 'RSA';

/**
 * Signature algorithms, named as in JOSE (RFC 7518 / RFC 8037).
 * ES256 signatures are raw r||s (IEEE P1363, 64 bytes), never DER.
 */
export type SignatureAlgorithm = 'EdDSA' | 'ES256' | 'PS256' | 'RS256';

/**
 * Anything that can sign: an in-memory key, a KMS, an HSM.
 * `id` is the verification method (DID URL, key id or label such as `did:india`) put into proofs.
 */
export interface Signer {
  readonly id: string;
  readonly algorithm: SignatureAlgorithm;
  /** Signs `data` with the private key, in the form `algorithm` defines (ES256: raw `r‖s`, never DER). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Purposes a trusted key may be used for. Verifiers reject a key used outside its purposes. */
export type KeyPurpose =
  'assertionMethod' | 'authentication' | 'dcc-vaccination' | 'dcc-test' | 'dcc-recovery' | (string & {});

/**
 * A public key the verifier trusts, in a runtime-neutral form (JWK), with the ids it answers to,
 * its validity window and allowed purposes.
 */
export interface TrustedKey {
  /** Primary id: verification method URL, DID, kid or label (e.g. `did:india`). */
  readonly id: string;
  /** Other ids that resolve to this key (e.g. the DID without fragment, a JWK thumbprint kid). */
  readonly aliases?: readonly string[];
  /** Controller / issuer the key belongs to (DID or URL), when known. */
  readonly controller?: string;
  /**
   * Issuers the trust source says this key signs for (a DID, an https URL, a country code): a trust-list entry's
   * `issuer`, an `ID=FILE` binding, a signer list's `country`. See `trustedKeyIssuers` for the full set.
   */
  readonly issuers?: readonly string[];
  readonly type: KeyType;
  readonly publicKeyJwk: JsonWebKey;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
  /** Allowed purposes; undefined means any. */
  readonly purposes?: readonly KeyPurpose[];
  /** DER of the X.509 certificate the key came from, when it came from one. */
  readonly certificate?: Uint8Array;
}

/**
 * The fixed set of check names every verifier in the SDK reports (W3C VC, DCC, SHC, VDS-NC, DIVOC QR).
 * Defined here, the package every format depends on, so format packages share it without depending on each other.
 */
export type CheckName = 'decode' | 'signature' | 'trust' | 'validity' | 'key-usage' | 'schema' | 'revocation';

/** One step of a verification, with a stable error code when it failed. Same shape as the CLI's `--json` checks. */
export interface Check {
  name: CheckName;
  ok: boolean;
  /** Stable error code (e.g. `ERR_VC_SIGNATURE_INVALID`) when `ok` is false. */
  code?: string;
  message?: string;
}

/**
 * What every format's `verify*` function returns (DCC, SHC, VDS-NC, DIVOC QR; W3C VC adds a few fields).
 * Verifiers never throw for bad input: a failed step is a check with `ok: false` and a stable code.
 * Checks appear in the order decode, signature, trust, validity, key-usage, schema, revocation (those that apply).
 */
export interface FormatVerificationResult<Format extends string = string, Payload = unknown> {
  valid: boolean;
  format: Format;
  /** Issuer as the format names it (DCC `iss` country, SHC `iss` URL, VDS-NC signer country/CN, VC issuer). */
  issuer?: string;
  checks: Check[];
  /** The decoded content, when decoding got that far. */
  payload?: Payload;
}

/** A document signer (EU DCC DSC, ICAO VDS-NC barcode signer): a signer and its X.509 certificate. */
export interface DocumentSignerKey {
  signer: Signer;
  /** PEM, base64 DER or DER. */
  certificate: string | Uint8Array;
}
