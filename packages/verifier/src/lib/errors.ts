import { DivocError } from '@divoc/keys';

/**
 * Errors thrown by `@divoc/verifier`. `verify` itself never throws for bad input (it reports failed checks); these
 * come from the trust loaders and from option checks. Discriminated on `code`.
 */
export abstract class VerifierErrorBase extends DivocError {}

/** `trust.add` could not tell what the material is (not a trust list, JWKS, certificate, DID document, ...). */
export class TrustUnrecognizedError extends VerifierErrorBase {
  readonly code = 'ERR_TRUST_UNRECOGNIZED' as const;
}

/** The material was recognised, but it is malformed, too large or holds private keys. */
export class TrustInvalidError extends VerifierErrorBase {
  readonly code = 'ERR_TRUST_INVALID' as const;
  /**
   * The specific refusal, when there is one: the code of the error underneath (e.g. `ERR_DCC_TRUST_KID_MISMATCH`,
   * `ERR_DCC_TRUST_SIGNATURE_INVALID`) or `ERR_TRUST_CHAIN_COUNTRY`. Also named in the message.
   */
  readonly reason?: string;
  constructor(message: string, options?: { cause?: unknown; reason?: string }) {
    super(message, options);
    if (options?.reason !== undefined) this.reason = options.reason;
  }
}

/** A trust file or folder could not be read (Node-only loaders). */
export class TrustUnreadableError extends VerifierErrorBase {
  readonly code = 'ERR_TRUST_UNREADABLE' as const;
}

/** `verify` was called without usable options (no `trust`). A programming error, so it is thrown. */
export class VerifierOptionsError extends VerifierErrorBase {
  readonly code = 'ERR_VERIFIER_OPTIONS_INVALID' as const;
}

/** Discriminated union (on `code`) of every error this package throws. */
export type VerifierError = TrustUnrecognizedError | TrustInvalidError | TrustUnreadableError | VerifierOptionsError;
/** Every error code this package throws. */
export type VerifierErrorCode = VerifierError['code'];

const CODES = new Set<string>([
  'ERR_TRUST_UNRECOGNIZED',
  'ERR_TRUST_INVALID',
  'ERR_TRUST_UNREADABLE',
  'ERR_VERIFIER_OPTIONS_INVALID',
]);

/** True for an error thrown by this package ({@link VerifierError}). */
export function isVerifierError(error: unknown): error is VerifierError {
  return error instanceof VerifierErrorBase && CODES.has(error.code);
}

/** Codes `verify` reports in a failed `decode` check when no format package got to see the input. */
export type InputCheckCode =
  | 'ERR_INPUT_UNRECOGNIZED'
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_INPUT_INVALID'
  | 'ERR_FORMAT_DISABLED'
  | 'ERR_QR_NOT_FOUND'
  /** JSON input names a member twice / has a `__proto__`, `constructor` or `prototype` member (any format). */
  | 'ERR_JSON_DUPLICATE_KEY'
  | 'ERR_JSON_FORBIDDEN_KEY';
