import { DivocError, withCode, withUnsafeJsonCode, familyGuard } from '@divoc/keys';
import type { FamilyGuard, UnsafeJsonCode } from '@divoc/keys';

/**
 * Every error this package throws (and every failure code a verification result carries) is one of these
 * classes. Each has a stable string `code`, so callers can `switch (err.code)` over the `VcErrorCode` union.
 */

/** Base class of every error thrown by `@divoc/vc`. */
export abstract class VcError extends DivocError {
  abstract override readonly code: VcErrorCode;
}

/** The input is not a credential: not a JSON object, no `@context`/`type`, wrong-typed fields, bad dates. */
export class VcMalformedError extends withCode(VcError, 'ERR_VC_MALFORMED') {}

/**
 * The credential's JSON names a member twice, or has a `__proto__` / `constructor` / `prototype` member (refused by
 * `parseJsonStrict` / `assertSafeJson` of `@divoc/keys`). The code is the JSON one, the same in every format.
 */
export class VcUnsafeJsonError extends withUnsafeJsonCode(VcError) {}

/** The credential carries no proof, or an unusable one (several proofs, proof not an object). */
export class VcProofMissingError extends withCode(VcError, 'ERR_VC_PROOF_MISSING') {}

/** No suite handles the proof's `type`/`cryptosuite`. */
export class VcUnsupportedSuiteError extends withCode(VcError, 'ERR_VC_UNSUPPORTED_SUITE') {}

/** The signer's algorithm does not fit the suite (e.g. an ES256 signer for `eddsa-rdfc-2022`). */
export class VcSuiteAlgorithmMismatchError extends withCode(VcError, 'ERR_VC_SUITE_ALG_MISMATCH') {}

/** The signature does not verify, or its encoding is malformed (truncated, not multibase, wrong JWS header). */
export class VcSignatureInvalidError extends withCode(VcError, 'ERR_VC_SIGNATURE_INVALID') {}

/**
 * The proof verifies, but a node of the credential (its `credentialSubject`, typically) has a relative `id` ("123",
 * "Aadhaar-XXXX"): JSON-LD drops relative IRIs, so that node's statements were never signed and its values can be
 * changed without breaking the proof. Reported by the `signature` check: the signature does not cover what is shown.
 */
export class VcSubjectIdUnsignedError extends withCode(VcError, 'ERR_VC_SUBJECT_ID_UNSIGNED') {}

/** No trusted key answers to the proof's verification method. */
export class VcKeyNotTrustedError extends withCode(VcError, 'ERR_VC_KEY_NOT_TRUSTED') {}

/** The key's validity window does not cover the proof's creation time. */
export class VcKeyExpiredError extends withCode(VcError, 'ERR_VC_KEY_EXPIRED') {}

/** The key may not be used for the proof's purpose. */
export class VcKeyPurposeError extends withCode(VcError, 'ERR_VC_KEY_PURPOSE') {}

/**
 * The credential names an issuer the signing key does not speak for (the key is trusted for other issuers of the
 * same kind). Same code in every format: see `bindIssuer` in `@divoc/keys`.
 */
export class VcIssuerMismatchError extends withCode(VcError, 'ERR_TRUST_ISSUER_MISMATCH') {}

/** `issuanceDate`/`validFrom` lies after the validation clock. */
export class VcNotYetValidError extends withCode(VcError, 'ERR_VC_NOT_YET_VALID') {}

/** `expirationDate`/`validUntil` lies before the validation clock. */
export class VcExpiredError extends withCode(VcError, 'ERR_VC_EXPIRED') {}

/** The credential does not match the JSON schema of its type. */
export class VcSchemaInvalidError extends withCode(VcError, 'ERR_VC_SCHEMA_INVALID') {}

/** A context URL the document loader does not hold (nothing is ever fetched from the network). */
export class JsonLdUnknownUrlError extends withCode(VcError, 'ERR_JSONLD_UNKNOWN_URL') {}

/**
 * JSON-LD safe mode rejected the document: a term no context defines, a relative IRI, an invalid value...
 * Without safe mode such data would be silently dropped from the signed statements, so it is an error.
 */
export class JsonLdSafeModeError extends withCode(VcError, 'ERR_JSONLD_SAFE_MODE') {}

/**
 * A presentation's holder key cannot be found: the presentation names no `holder`, the holder is not a `did:key`
 * (resolved offline, never from trust lists), or the proof's verification method is not the holder's key.
 */
export class VcHolderKeyError extends withCode(VcError, 'ERR_VP_HOLDER_KEY') {}

/** The presentation proof's `challenge` is missing or not the expected one (a replay, or another request). */
export class VcChallengeMismatchError extends withCode(VcError, 'ERR_VP_CHALLENGE_MISMATCH') {}

/** The presentation proof's `domain` is missing or not the verifier the caller expected. */
export class VcDomainMismatchError extends withCode(VcError, 'ERR_VP_DOMAIN_MISMATCH') {}

/** A credential inside the presentation does not verify (its own check's code and message are in the message). */
export class VcPresentedCredentialInvalidError extends withCode(VcError, 'ERR_VP_CREDENTIAL_INVALID') {}

/** Holder binding: a credential's subject is not the presentation's holder (someone else's credential). */
export class VcHolderMismatchError extends withCode(VcError, 'ERR_VP_HOLDER_MISMATCH') {}

/** Discriminated union (on `code`) of every error class of this package. */
export type VcErrors =
  | VcMalformedError
  | VcUnsafeJsonError
  | VcProofMissingError
  | VcUnsupportedSuiteError
  | VcSuiteAlgorithmMismatchError
  | VcSignatureInvalidError
  | VcSubjectIdUnsignedError
  | VcKeyNotTrustedError
  | VcKeyExpiredError
  | VcKeyPurposeError
  | VcIssuerMismatchError
  | VcNotYetValidError
  | VcExpiredError
  | VcSchemaInvalidError
  | JsonLdUnknownUrlError
  | JsonLdSafeModeError
  | VcHolderKeyError
  | VcChallengeMismatchError
  | VcDomainMismatchError
  | VcPresentedCredentialInvalidError
  | VcHolderMismatchError;

/** Every stable error code this package uses. */
export type VcErrorCode =
  | 'ERR_VC_MALFORMED'
  | UnsafeJsonCode
  | 'ERR_VC_PROOF_MISSING'
  | 'ERR_VC_UNSUPPORTED_SUITE'
  | 'ERR_VC_SUITE_ALG_MISMATCH'
  | 'ERR_VC_SIGNATURE_INVALID'
  | 'ERR_VC_SUBJECT_ID_UNSIGNED'
  | 'ERR_VC_KEY_NOT_TRUSTED'
  | 'ERR_VC_KEY_EXPIRED'
  | 'ERR_VC_KEY_PURPOSE'
  | 'ERR_TRUST_ISSUER_MISMATCH'
  | 'ERR_VC_NOT_YET_VALID'
  | 'ERR_VC_EXPIRED'
  | 'ERR_VC_SCHEMA_INVALID'
  | 'ERR_JSONLD_UNKNOWN_URL'
  | 'ERR_JSONLD_SAFE_MODE'
  | 'ERR_VP_HOLDER_KEY'
  | 'ERR_VP_CHALLENGE_MISMATCH'
  | 'ERR_VP_DOMAIN_MISMATCH'
  | 'ERR_VP_CREDENTIAL_INVALID'
  | 'ERR_VP_HOLDER_MISMATCH';

/** True for an error thrown by this package's W3C VC code ({@link VcErrors}). */
export const isVcError: FamilyGuard<VcErrors> = familyGuard(VcError);
