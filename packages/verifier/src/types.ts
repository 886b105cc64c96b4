import type { Check, CredentialFormat } from '@divoc/keys';
import type { Trust } from './trust/trust.js';

export type { Check, CheckName } from '@divoc/keys';

/** Formats `verify` recognises: the SDK's one list (`@divoc/keys`). */
export { CREDENTIAL_FORMATS, type CredentialFormat } from '@divoc/keys';

/** What the credential records. */
export type EventKind = 'vaccination' | 'test' | 'recovery' | 'other';

/**
 * A short, human summary of the subject and the event, the same fields whatever the format (mapped through the WHO
 * DDCC core data set's notions). Dates are `YYYY-MM-DD` as the credential wrote them (no time-zone shifting).
 */
export interface CredentialSummary {
  name?: string;
  dateOfBirth?: string;
  gender?: string;
  event: EventKind;
  /** Vaccine product (display name when a value set or code table knows the code). */
  vaccine?: string;
  /** The code the credential used for the vaccine (EU `mp`, CVX, ICD-11, ...). */
  vaccineCode?: string;
  manufacturer?: string;
  dose?: number;
  totalDoses?: number;
  /** Vaccination date, test sample collection date, or first positive test date. */
  date?: string;
  testType?: string;
  testResult?: string;
  /** Country of the event (ISO 3166 code as the credential gives it). */
  country?: string;
  certificateId?: string;
}

/** Format-specific facts about the envelope, for display and support. */
export interface VerificationDetails {
  /** Proof suite or signature algorithm (`eddsa-rdfc-2022`, `RsaSignature2018`, `ES256`, `PS256`). */
  suite?: string;
  /** Key the credential names: verification method, DCC kid, SHC kid. */
  verificationMethod?: string;
  /** DIVOC QR wrapping (`zip-binary-string`, `json`, ...). */
  variant?: string;
  /** Where the text came from when the input was an image. */
  image?: 'png' | 'jpeg' | 'svg';
  /** Number of QR codes read from the image(s). */
  qrCodes?: number;
  /** SHC: the cards' compact JWS (reassembled from chunks). DCC: issued / expires (ISO). */
  jws?: string;
  issuedAt?: string;
  expiresAt?: string;
}

/**
 * Something a person reading the result must know although every check passed: a claimed issuer the trust does not
 * bind (`WARN_TRUST_ISSUER_UNBOUND`), fields the signature does not bind to their names (`WARN_VC_AMBIGUOUS_TERMS`).
 */
export interface VerificationWarning {
  /** Stable code, `WARN_…`. */
  code: string;
  message: string;
  /** The credential fields the warning is about, when it is about fields. */
  fields?: string[];
}

export interface VerificationResult {
  /** Detected format, or `unknown` when nothing recognised the input. */
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
  /** Signed `BitstringStatusListCredential`s (objects or JSON text), for W3C / DIVOC credentials with `credentialStatus`. */
  statusLists?: readonly unknown[];
  /** DIVOC revoked-certificate lists (`{ revoked: [...], replaced?: [...] }`). */
  divoc?: readonly unknown[];
  /** SMART Health Card revocation lists (`{ kid, method: "rid", ctr, rids }`), besides those in the trust. */
  shc?: readonly unknown[];
  /** EU DCC revocation lists (`{ kid, hashType, hashes }`). */
  dcc?: readonly unknown[];
}

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

export interface VerifyOptions {
  trust: Trust;
  /** Validation clock. Default now. */
  now?: Date;
  revocation?: RevocationData;
  policy?: VerificationPolicy;
  /** Only these formats; others fail `decode` with `ERR_FORMAT_DISABLED`. Default all. */
  formats?: readonly CredentialFormat[];
  limits?: VerifyLimits;
}

/** What `verify` accepts: QR text, file text, bytes (file contents, images), parsed JSON, or several QR texts/images. */
export type VerifyInput = string | Uint8Array | object | readonly (string | Uint8Array)[];
