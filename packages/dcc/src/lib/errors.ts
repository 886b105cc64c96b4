import { DivocError, withCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Every error this package throws, and every failure code a verification check carries, is one of these classes.
 * Each has a stable string `code`, so callers can `switch (err.code)` over the `DccErrorCode` union.
 */

/** Base class of every error thrown by `@divoc/dcc`. */
export abstract class DccError extends DivocError {
  abstract override readonly code: DccErrorCode;
}

/** Input is not text/bytes, or is larger than the caps (HC1 text, compressed or inflated size). */
export class DccInputError extends withCode(DccError, 'ERR_DCC_INPUT_INVALID') {}

/** The text does not start with the `HC1:` context identifier. */
export class DccPrefixError extends withCode(DccError, 'ERR_DCC_PREFIX_INVALID') {}

/** Base45 text is malformed (character outside the alphabet, bad length, value out of range). */
export class DccBase45Error extends withCode(DccError, 'ERR_DCC_BASE45_INVALID') {}

/** The zlib stream is broken, missing (not compressed), or inflates beyond the size / ratio limits. */
export class DccCompressionError extends withCode(DccError, 'ERR_DCC_COMPRESSION_INVALID') {}

/** The bytes are not a well-formed COSE_Sign1 (bad CBOR, wrong tag, wrong structure, bad headers). */
export class DccCoseError extends withCode(DccError, 'ERR_DCC_COSE_INVALID') {}

/** The COSE payload is not a CWT carrying an `hcert` claim with a DCC (`-260` → `{ 1: DCC }`). */
export class DccCwtError extends withCode(DccError, 'ERR_DCC_CWT_INVALID') {}

/** The COSE algorithm is not ES256 (-7) or PS256 (-37), or does not fit the key. */
export class DccAlgorithmError extends withCode(DccError, 'ERR_DCC_ALG_UNSUPPORTED') {}

/** The signature does not verify, is empty, or has the wrong size for its algorithm. */
export class DccSignatureError extends withCode(DccError, 'ERR_DCC_SIGNATURE_INVALID') {}

/** The CWT `iss` names a country the signer certificate is not trusted for (same code in every format). */
export class DccIssuerMismatchError extends withCode(DccError, 'ERR_TRUST_ISSUER_MISMATCH') {}

/** No trusted signer certificate answers to the kid (or there is no kid). */
export class DccKeyNotTrustedError extends withCode(DccError, 'ERR_DCC_KEY_NOT_TRUSTED') {}

/** The CWT is past its `exp`. */
export class DccExpiredError extends withCode(DccError, 'ERR_DCC_EXPIRED') {}

/** The CWT was issued (`iat`) after the validation clock, or `iat`/`exp` are missing or malformed. */
export class DccNotYetValidError extends withCode(DccError, 'ERR_DCC_NOT_YET_VALID') {}

/** The signer certificate is outside its validity window at the validation clock. */
export class DccSignerCertificateExpiredError extends withCode(DccError, 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED') {}

/** The signer certificate's extended key usage does not allow this certificate type (v / t / r). */
export class DccKeyUsageError extends withCode(DccError, 'ERR_DCC_KEY_USAGE') {}

/** The DCC does not conform to the DCC JSON schema 1.3.x, or a code is not in its value set. */
export class DccSchemaError extends withCode(DccError, 'ERR_DCC_SCHEMA_INVALID') {}

/** `encodeDcc` / `issueDcc` got unusable input (payload, options, credential that cannot be mapped). */
export class DccEncodeError extends withCode(DccError, 'ERR_DCC_ENCODE_INVALID') {}

/** A UVCI is malformed or its checksum is wrong. */
export class DccUvciError extends withCode(DccError, 'ERR_DCC_UVCI_INVALID') {}

/** An EU DCC signer list or a development certificate request is unusable. */
export class DccCertificateError extends withCode(DccError, 'ERR_DCC_CERTIFICATE_INVALID') {}

/** A WHO DVC payload (HCERT -6) does not conform to WHO's DVC logical model (or its ICVP profile). */
export class DvcSchemaError extends withCode(DccError, 'ERR_DVC_SCHEMA_INVALID') {}

/** A WHO DVC is past the end of its validity period (`v.vle`, or the CWT `exp` when it has one). */
export class DvcExpiredError extends withCode(DccError, 'ERR_DVC_EXPIRED') {}

/** A WHO DVC is before its validity period (`v.vls`), or was issued (`iat`) after the validation clock. */
export class DvcNotYetValidError extends withCode(DccError, 'ERR_DVC_NOT_YET_VALID') {}

/** Codes of `DccTrustListError`: why an EU DCC trust-list entry was refused. */
export type DccTrustListErrorCode =
  /** The listed `kid` is not the certificate's DCC kid (base64 of the first 8 bytes of SHA-256 of the DER). */
  | 'ERR_DCC_TRUST_KID_MISMATCH'
  /** The listed `thumbprint` is not the hex SHA-256 of the certificate DER. */
  | 'ERR_DCC_TRUST_THUMBPRINT_MISMATCH'
  /** The listed `country` is not the certificate subject's `C` (or the certificate names no country). */
  | 'ERR_DCC_TRUST_COUNTRY_MISMATCH'
  /** With a trust anchor: the entry's CMS `signature` is missing, malformed or made by no key that may sign it. */
  | 'ERR_DCC_TRUST_SIGNATURE_INVALID'
  /** A document signer that must chain to a CSCA of its country does not (no known CSCA issued and signed it). */
  | 'ERR_DCC_TRUST_CHAIN_UNTRUSTED'
  /** A document signer was issued by a CSCA of another country: a CSCA vouches for its own country only. */
  | 'ERR_TRUST_CHAIN_COUNTRY';

/**
 * An EU DCC trust-list entry is refused: inconsistent with its certificate, or not vouched for by the trust anchor
 * or a CSCA of its country. Carries the entry's index and listed kid; the list is refused as a whole.
 */
export class DccTrustListError extends DccError {
  readonly code: DccTrustListErrorCode;
  /** Position of the refused entry in the list. */
  readonly index: number;
  /** The kid the entry lists (as given). */
  readonly kid: string | undefined;
  constructor(
    code: DccTrustListErrorCode,
    index: number,
    kid: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`signer list [${index}]${kid !== undefined ? ` (kid ${kid})` : ''}: ${message}`, options);
    this.code = code;
    this.index = index;
    this.kid = kid;
  }
}

/** Every error code this package uses, in thrown errors and in failed checks. */
export type DccErrorCode =
  | 'ERR_DCC_INPUT_INVALID'
  | 'ERR_DCC_PREFIX_INVALID'
  | 'ERR_DCC_BASE45_INVALID'
  | 'ERR_DCC_COMPRESSION_INVALID'
  | 'ERR_DCC_COSE_INVALID'
  | 'ERR_DCC_CWT_INVALID'
  | 'ERR_DCC_ALG_UNSUPPORTED'
  | 'ERR_DCC_SIGNATURE_INVALID'
  | 'ERR_DCC_KEY_NOT_TRUSTED'
  | 'ERR_TRUST_ISSUER_MISMATCH'
  | 'ERR_DCC_EXPIRED'
  | 'ERR_DCC_NOT_YET_VALID'
  | 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED'
  | 'ERR_DCC_KEY_USAGE'
  | 'ERR_DCC_SCHEMA_INVALID'
  | 'ERR_DCC_ENCODE_INVALID'
  | 'ERR_DCC_UVCI_INVALID'
  | 'ERR_DCC_CERTIFICATE_INVALID'
  | 'ERR_DVC_SCHEMA_INVALID'
  | 'ERR_DVC_EXPIRED'
  | 'ERR_DVC_NOT_YET_VALID'
  | DccTrustListErrorCode;

/** Discriminated union (on `code`) of every error class of this package. */
export type AnyDccError =
  | DccInputError
  | DccPrefixError
  | DccBase45Error
  | DccCompressionError
  | DccCoseError
  | DccCwtError
  | DccAlgorithmError
  | DccSignatureError
  | DccKeyNotTrustedError
  | DccIssuerMismatchError
  | DccExpiredError
  | DccNotYetValidError
  | DccSignerCertificateExpiredError
  | DccKeyUsageError
  | DccSchemaError
  | DccEncodeError
  | DccUvciError
  | DccCertificateError
  | DvcSchemaError
  | DvcExpiredError
  | DvcNotYetValidError
  | DccTrustListError;

/** True for any error thrown by this package. */
export const isDccError: FamilyGuard<AnyDccError> = familyGuard(DccError);
