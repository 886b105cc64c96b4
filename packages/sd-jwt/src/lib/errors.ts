import { DivocError, withCode, withUnsafeJsonCode, familyGuard } from '@divoc/keys';
import type { FamilyGuard, UnsafeJsonCode } from '@divoc/keys';

/**
 * Every error this package throws, and every failure code a verification result carries, is one of these classes.
 * Each has a stable string `code`, so callers can `switch (err.code)` over the `SdJwtErrorCode` union.
 */

/** Base class of every error thrown by `@divoc/sd-jwt`. */
export abstract class SdJwtError extends DivocError {
  abstract override readonly code: SdJwtErrorCode;
}

/** The input is not something this package reads: wrong type, empty, or not a compact SD-JWT. */
export class SdJwtInputInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_INPUT_INVALID') {}

/** The input is larger than a cap (characters, disclosures, nesting); rejected before any work is done on it. */
export class SdJwtInputTooLargeError extends withCode(SdJwtError, 'ERR_SDJWT_INPUT_TOO_LARGE') {}

/**
 * JSON in the SD-JWT (header, payload, a disclosure) names a member twice or has a `__proto__` / `constructor` /
 * `prototype` member. The code is the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`).
 */
export class SdJwtUnsafeJsonError extends withUnsafeJsonCode(SdJwtError) {}

/** A JWT part is malformed: not three base64url parts, a header or payload that is not a JSON object. */
export class SdJwtMalformedError extends withCode(SdJwtError, 'ERR_SDJWT_MALFORMED') {}

/**
 * A JWT header is refused: `typ` is not `dc+sd-jwt` / `vc+sd-jwt` (`kb+jwt`, `statuslist+jwt` for those JWTs), `alg`
 * is not ES256 or EdDSA (`none`, HS256 and every other algorithm are refused before any key is looked at), no `kid`,
 * or a `crit` member.
 */
export class SdJwtHeaderInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_HEADER_INVALID') {}

/** The issuer-signed payload is not an SD-JWT VC: no `iss` / `vct`, bad times, `_sd_alg` other than sha-256, `cnf`. */
export class SdJwtPayloadInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_PAYLOAD_INVALID') {}

/**
 * A disclosure is refused: malformed, its digest is not in the payload, a digest appears twice, it discloses a claim
 * the object already has, or a reserved name (`_sd`, `...`).
 */
export class SdJwtDisclosureInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_DISCLOSURE_INVALID') {}

/** Options passed to an issuing, presenting or status-list function are invalid. */
export class SdJwtOptionsInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_OPTIONS_INVALID') {}

/** The credential cannot be issued as an SD-JWT VC (unsupported credential type, missing data). */
export class SdJwtCredentialUnsupportedError extends withCode(SdJwtError, 'ERR_SDJWT_CREDENTIAL_UNSUPPORTED') {}

/** Verification: the issuer signature does not verify under the trusted key(s) for the header's `kid`. */
export class SdJwtSignatureInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_SIGNATURE_INVALID') {}

/** Verification: no trusted key answers to `iss#kid` or `kid`. */
export class SdJwtKeyNotTrustedError extends withCode(SdJwtError, 'ERR_SDJWT_KEY_NOT_TRUSTED') {}

/** Verification: the key that signed is trusted for another issuer than the `iss` the SD-JWT names. */
export class SdJwtIssuerMismatchError extends withCode(SdJwtError, 'ERR_TRUST_ISSUER_MISMATCH') {}

/** Verification: the trusted key's validity window does not cover the SD-JWT's issuance time (`iat`). */
export class SdJwtKeyExpiredError extends withCode(SdJwtError, 'ERR_SDJWT_KEY_EXPIRED') {}

/** Verification: `nbf` (or `iat`) lies after the validation clock. */
export class SdJwtNotYetValidError extends withCode(SdJwtError, 'ERR_SDJWT_NOT_YET_VALID') {}

/** Verification: `exp` lies before the validation clock. */
export class SdJwtExpiredError extends withCode(SdJwtError, 'ERR_SDJWT_EXPIRED') {}

/** Verification: key binding is required and the presentation carries no key-binding JWT (or the SD-JWT no `cnf`). */
export class SdJwtKeyBindingMissingError extends withCode(SdJwtError, 'ERR_SDJWT_KEY_BINDING_MISSING') {}

/**
 * Verification: the key-binding JWT is refused: its signature does not verify under `cnf.jwk`, its `sd_hash` is not
 * the hash of this presentation, its `nonce` or `aud` is not the expected one, or its `iat` is stale or in the future.
 */
export class SdJwtKeyBindingInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_KEY_BINDING_INVALID') {}

/** A status list token is malformed, not signed by a trusted key of the credential's issuer, or for another list. */
export class SdJwtStatusListInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_STATUS_LIST_INVALID') {}

/** Verification: the credential's status list entry is not VALID (0): revoked (1), suspended (2) or another value. */
export class SdJwtRevokedError extends withCode(SdJwtError, 'ERR_SDJWT_REVOKED') {}

/** JWT VC Issuer Metadata (`/.well-known/jwt-vc-issuer`) is malformed: no https `issuer`, no inline `jwks`. */
export class SdJwtIssuerMetadataInvalidError extends withCode(SdJwtError, 'ERR_SDJWT_ISSUER_METADATA_INVALID') {}

/** Discriminated union (on `code`) of every error this package throws or reports. */
export type AnySdJwtError =
  | SdJwtInputInvalidError
  | SdJwtInputTooLargeError
  | SdJwtUnsafeJsonError
  | SdJwtMalformedError
  | SdJwtHeaderInvalidError
  | SdJwtPayloadInvalidError
  | SdJwtDisclosureInvalidError
  | SdJwtOptionsInvalidError
  | SdJwtCredentialUnsupportedError
  | SdJwtSignatureInvalidError
  | SdJwtKeyNotTrustedError
  | SdJwtIssuerMismatchError
  | SdJwtKeyExpiredError
  | SdJwtNotYetValidError
  | SdJwtExpiredError
  | SdJwtKeyBindingMissingError
  | SdJwtKeyBindingInvalidError
  | SdJwtStatusListInvalidError
  | SdJwtRevokedError
  | SdJwtIssuerMetadataInvalidError;

/** Every `code` an `SdJwtError` can carry. */
export type SdJwtErrorCode =
  | 'ERR_SDJWT_INPUT_INVALID'
  | 'ERR_SDJWT_INPUT_TOO_LARGE'
  | UnsafeJsonCode
  | 'ERR_SDJWT_MALFORMED'
  | 'ERR_SDJWT_HEADER_INVALID'
  | 'ERR_SDJWT_PAYLOAD_INVALID'
  | 'ERR_SDJWT_DISCLOSURE_INVALID'
  | 'ERR_SDJWT_OPTIONS_INVALID'
  | 'ERR_SDJWT_CREDENTIAL_UNSUPPORTED'
  | 'ERR_SDJWT_SIGNATURE_INVALID'
  | 'ERR_SDJWT_KEY_NOT_TRUSTED'
  | 'ERR_TRUST_ISSUER_MISMATCH'
  | 'ERR_SDJWT_KEY_EXPIRED'
  | 'ERR_SDJWT_NOT_YET_VALID'
  | 'ERR_SDJWT_EXPIRED'
  | 'ERR_SDJWT_KEY_BINDING_MISSING'
  | 'ERR_SDJWT_KEY_BINDING_INVALID'
  | 'ERR_SDJWT_STATUS_LIST_INVALID'
  | 'ERR_SDJWT_REVOKED'
  | 'ERR_SDJWT_ISSUER_METADATA_INVALID';

/** True when `err` was thrown by this package. */
export const isSdJwtError: FamilyGuard<AnySdJwtError> = familyGuard(SdJwtError);
