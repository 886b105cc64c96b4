import { DivocError, type UnsafeJsonCode } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes, each with a stable string `code`; `VdsncErrors` is
 * their union, so callers can `switch (err.code)`.
 */

export abstract class VdsncError extends DivocError {}

/** The input is not a VDS-NC seal: not JSON, wrong shape, wrong field types. */
export class VdsncMalformedError extends VdsncError {
  readonly code = 'ERR_VDSNC_MALFORMED' as const;
}

/**
 * The seal's JSON names a member twice (`"n":"Evil", …, "n":"CITIZEN JOHN"`) or has a `__proto__` / `constructor` /
 * `prototype` member. The code is the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), as in every format.
 */
export class VdsncUnsafeJsonError extends VdsncError {
  readonly code: UnsafeJsonCode;
  constructor(message: string, options: { code: UnsafeJsonCode; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** The input is larger than a seal can be (checked before parsing). */
export class VdsncTooLargeError extends VdsncError {
  readonly code = 'ERR_VDSNC_TOO_LARGE' as const;
}

/** `sig.alg` is not `ES256`, the only algorithm this package accepts. */
export class VdsncAlgorithmUnsupportedError extends VdsncError {
  readonly code = 'ERR_VDSNC_ALG_UNSUPPORTED' as const;
}

/** `sig.cer` is not an X.509 certificate with a P-256 key. */
export class VdsncCertificateInvalidError extends VdsncError {
  readonly code = 'ERR_VDSNC_CERTIFICATE_INVALID' as const;
}

/** The signature does not verify under the key of `sig.cer`. */
export class VdsncSignatureInvalidError extends VdsncError {
  readonly code = 'ERR_VDSNC_SIGNATURE_INVALID' as const;
}

/** No trusted CSCA issued and signed `sig.cer`. */
export class VdsncNotTrustedError extends VdsncError {
  readonly code = 'ERR_VDSNC_NOT_TRUSTED' as const;
}

/** The signer or CSCA certificate is not valid at the validation time. */
export class VdsncCertificateExpiredError extends VdsncError {
  readonly code = 'ERR_VDSNC_CERTIFICATE_EXPIRED' as const;
}

/** The signer certificate is not allowed to sign this kind of seal (extended key usage, document type list). */
export class VdsncKeyUsageError extends VdsncError {
  readonly code = 'ERR_VDSNC_KEY_USAGE' as const;
}

/** The message does not have the fields its type (`icao.vacc`, `icao.test`) requires. */
export class VdsncSchemaInvalidError extends VdsncError {
  readonly code = 'ERR_VDSNC_SCHEMA_INVALID' as const;
}

/** A value cannot be canonicalised with RFC 8785 (not I-JSON: NaN, Infinity, lone surrogate, cycle, non-JSON type). */
export class JcsInvalidError extends VdsncError {
  readonly code = 'ERR_JCS_INVALID' as const;
}

/** `issueVdsnc` got a credential, signer or certificate it cannot use. */
export class VdsncIssueError extends VdsncError {
  readonly code = 'ERR_VDSNC_ISSUE_INVALID' as const;
}

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

export type VdsncErrorCode = VdsncErrors['code'];

export function isVdsncError(value: unknown): value is VdsncErrors {
  return value instanceof VdsncError;
}
