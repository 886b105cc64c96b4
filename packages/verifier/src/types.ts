import type { Check } from '@divoc/keys';
import { FORMATS, type FormatName } from '@divoc/formats';
import type { CredentialSummary, FormatRegistry, VerificationDetails, VerificationWarning } from '@divoc/schemas';
import type { Trust } from './trust/trust.js';

export type { Check, CheckName } from '@divoc/keys';
export type { CredentialSummary, EventKind, VerificationDetails, VerificationWarning } from '@divoc/schemas';

/** A format `verify` recognises: the SDK's one list of names (`FORMATS` in `@divoc/formats`). */
export type CredentialFormat = FormatName;
/** The names of the formats `verify` recognises by default, in the order it tries them. */
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = Object.freeze(FORMATS.names);

/**
 * The result of `verify`, the same shape for every format: valid or not, the format, the issuer the trust names, the
 * summary and the checks.
 */
export interface VerificationResult {
  /**
   * Detected format, or `unknown` when nothing recognised the input (a format added with `options.registry`: its name).
   */
  format: CredentialFormat | 'unknown';
  /** True only when every check passed. */
  valid: boolean;
  /**
   * Who issued the credential, as the trust says: the claimed issuer when the signing key is trusted for it, else the
   * trust's own identity for the key (then a `WARN_TRUST_ISSUER_UNBOUND` warning says so). Null when no trusted key
   * signed it. Never taken from the credential alone.
   */
  issuer: string | null;
  /** The issuer the credential names (VC issuer, DCC `iss`, SHC `iss`, VDS-NC `hdr.is`), bound or not. */
  claimedIssuer?: string;
  /** Things to show next to a valid result (see `VerificationWarning`). */
  warnings?: VerificationWarning[];
  /** Display name of the issuer when the trust material gave one. */
  issuerName?: string;
  summary: CredentialSummary;
  /** The decoded payload: the VC JSON, the DCC JSON, the SHC JWS payload, the VDS-NC seal. */
  credential?: unknown;
  /** In order: decode, signature, trust, validity, key-usage, schema, revocation (those that apply). */
  checks: Check[];
  details?: VerificationDetails;
}

/** Revocation data at hand (never fetched). */
export interface RevocationData {
  /**
   * Signed `BitstringStatusListCredential`s (objects or JSON text), for W3C / DIVOC credentials with
   * `credentialStatus`.
   */
  statusLists?: readonly unknown[];
  /** DIVOC revoked-certificate lists (`{ revoked: [...], replaced?: [...] }`). */
  divoc?: readonly unknown[];
  /** SMART Health Card revocation lists (`{ kid, method: "rid", ctr, rids }`), besides those in the trust. */
  shc?: readonly unknown[];
  /** EU DCC revocation lists (`{ kid, hashType, hashes }`). */
  dcc?: readonly unknown[];
  /** IETF Token Status List tokens (`statuslist+jwt` compact JWTs), for SD-JWT VCs with `status.status_list`. */
  tokenStatusLists?: readonly unknown[];
}

/** What `verify` may accept beyond the strict rules. */
export interface VerificationPolicy {
  /**
   * Accept a credential whose key (or signer certificate) is outside its validity window now, or was when it signed,
   * as long as the signature and the rest hold: for historical checks. Default false.
   */
  acceptExpiredKeys?: boolean;
  /**
   * Fail the `revocation` check when no revocation data covers the credential (`divoc verify --require-status`).
   * Default false: a credential that carries a revocation handle (a `credentialStatus`, an SHC key with a revocation
   * list) with no data at hand gets a passing `revocation` check with code `WARN_REVOCATION_NOT_CHECKED`.
   */
  requireRevocationData?: boolean;
}

/** Size budgets, checked before any parsing. */
export interface VerifyLimits {
  /** Text input, characters. Default 2 MiB. */
  maxTextLength?: number;
  /** Byte input (images included). Default 8 MiB. */
  maxBytes?: number;
  /** Pixels of a decoded image (PNG/JPEG/SVG). Default 16 million. */
  maxImagePixels?: number;
  /** Items of an array input (chunks or images). Default 16. */
  maxItems?: number;
}

/**
 * What a verifier's presentation request asked the holder to prove (OpenID4VP: the request's `nonce` and the
 * verifier's `client_id`). Given to `verify`, the input must carry a holder key-binding proof made for exactly this
 * request: an SD-JWT VC presentation with a KB-JWT whose `nonce` and `aud` are these, issued at most
 * `PRESENTATION_MAX_AGE_SECONDS` before the clock. A format without holder key binding (every other format) fails.
 */
export interface PresentationExpectation {
  /** The nonce the verifier gave the holder. */
  nonce: string;
  /** The verifier's own identifier (OpenID4VP `client_id`): the audience the holder's proof must name. */
  audience: string;
}

/** Options of `verify`: the trust (required), the clock, revocation data, policy, formats and input limits. */
export interface VerifyOptions {
  trust: Trust;
  /** Validation clock. Default now. */
  now?: Date;
  revocation?: RevocationData;
  /**
   * Verify the input as an answer to this presentation request: the holder's key-binding proof is required and must
   * be for this nonce and audience, else `key-usage` fails (`ERR_PRESENTATION_*`). Default: none (a proof that is
   * there is still verified, but for no request in particular).
   */
  presentation?: PresentationExpectation;
  policy?: VerificationPolicy;
  /** Only these formats; others fail `decode` with `ERR_FORMAT_DISABLED`. Default all. */
  formats?: readonly (CredentialFormat | (string & {}))[];
  /** The formats to read: default `FORMATS` from `@divoc/formats`; `FORMATS.with(yourFormat)` adds one. */
  registry?: FormatRegistry;
  limits?: VerifyLimits;
}

/**
 * What `verify` accepts: QR text, file text, bytes (file contents, images), parsed JSON, or several QR texts/images.
 */
export type VerifyInput = string | Uint8Array | object | readonly (string | Uint8Array)[];
