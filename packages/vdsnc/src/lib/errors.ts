import { DivocError, withCode, withUnsafeJsonCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes, each with a stable string `code`; `VdsncErrors` is
 * their union, so callers can `switch (err.code)`.
 */

export abstract class VdsncError extends DivocError {}

/** The input is not a VDS-NC seal: not JSON, wrong shape, wrong field types. */
export class VdsncMalformedError extends withCode(VdsncError, 'ERR_VDSNC_MALFORMED') {}

/**
 * The seal's JSON names a member twice (`"n":"Evil", …, "n":"CITIZEN JOHN"`) or has a `__proto__` / `constructor` /
 * `prototype` member. The code is the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), as in every
 * format.
 */
export class VdsncUnsafeJsonError extends withUnsafeJsonCode(VdsncError) {}

/** The input is larger than a seal can be (checked before parsing). */
export class VdsncTooLargeError extends withCode(VdsncError, 'ERR_VDSNC_TOO_LARGE') {}

/** `sig.alg` is not `ES256`, the only algorithm this package accepts. */
export class VdsncAlgorithmUnsupportedError extends withCode(VdsncError, 'ERR_VDSNC_ALG_UNSUPPORTED') {}

/** `sig.cer` is not an X.509 certificate with a P-256 key. */
export class VdsncCertificateInvalidError extends withCode(VdsncError, 'ERR_VDSNC_CERTIFICATE_INVALID') {}

/** The signature does not verify under the key of `sig.cer`. */
export class VdsncSignatureInvalidError extends withCode(VdsncError, 'ERR_VDSNC_SIGNATURE_INVALID') {}

/** No trusted CSCA issued and signed `sig.cer`. */
export class VdsncNotTrustedError extends withCode(VdsncError, 'ERR_VDSNC_NOT_TRUSTED') {}

/** The signer or CSCA certificate is not valid at the validation time. */
export class VdsncCertificateExpiredError extends withCode(VdsncError, 'ERR_VDSNC_CERTIFICATE_EXPIRED') {}

/** The signer certificate is not allowed to sign this kind of seal (extended key usage, document type list). */
export class VdsncKeyUsageError extends withCode(VdsncError, 'ERR_VDSNC_KEY_USAGE') {}

/** The message does not have the fields its type (`icao.vacc`, `icao.test`) requires. */
export class VdsncSchemaInvalidError extends withCode(VdsncError, 'ERR_VDSNC_SCHEMA_INVALID') {}

/** A value cannot be canonicalised with RFC 8785 (not I-JSON: NaN, Infinity, lone surrogate, cycle, non-JSON type). */
export class JcsInvalidError extends withCode(VdsncError, 'ERR_JCS_INVALID') {}

/** `issueVdsnc` got a credential, signer or certificate it cannot use. */
export class VdsncIssueError extends withCode(VdsncError, 'ERR_VDSNC_ISSUE_INVALID') {}

/** Discriminated union (on `code`) of every error this package throws. */
export type VdsncErrors =
  | VdsncMalformedError
  | VdsncUnsafeJsonError
  | VdsncTooLargeError
  | VdsncAlgorithmUnsupportedError
  | VdsncCertificateInvalidError
  | VdsncSignatureInvalidError
  | VdsncNotTrustedError
  | VdsncCertificateExpiredError
  | VdsncKeyUsageError
  | VdsncSchemaInvalidError
  | JcsInvalidError
  | VdsncIssueError;

/** Every error code this package throws. */
export type VdsncErrorCode = VdsncErrors['code'];

/** True for an error thrown by this package ({@link VdsncErrors}). */
export const isVdsncError: FamilyGuard<VdsncErrors> = familyGuard(VdsncError);
