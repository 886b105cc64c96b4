/**
 * Errors of `@divoc/keys/pkcs11`. They extend the package's `KeyError`, so `isKeysError` recognises them too, and each
 * carries a stable `code`; `Pkcs11Error` is their union. Messages name the token, slot or key label, never a PIN.
 */
import { KeyError } from '../lib/errors.js';

/** `pkcs11js` (an optional dependency of @divoc/keys, a native addon) is not installed or did not build. */
export class Pkcs11UnavailableError extends KeyError {
  readonly code = 'ERR_PKCS11_UNAVAILABLE' as const;
}

/** The PKCS#11 module (the token's shared library) could not be loaded or initialised. */
export class Pkcs11ModuleError extends KeyError {
  readonly code = 'ERR_PKCS11_MODULE' as const;
}

/** No slot holds a token matching the slot id / token label / serial asked for (or several do and none was named). */
export class Pkcs11TokenNotFoundError extends KeyError {
  readonly code = 'ERR_PKCS11_TOKEN_NOT_FOUND' as const;
}

/** The token refused the user PIN. */
export class Pkcs11PinIncorrectError extends KeyError {
  readonly code = 'ERR_PKCS11_PIN_INCORRECT' as const;
}

/** Login failed for another reason than a wrong PIN (PIN locked or expired, token not initialised, …). */
export class Pkcs11LoginError extends KeyError {
  readonly code = 'ERR_PKCS11_LOGIN_FAILED' as const;
}

/** No PIN could be obtained: none given, or `pin-source` names an unset variable or an unreadable file. */
export class Pkcs11PinUnavailableError extends KeyError {
  readonly code = 'ERR_PKCS11_PIN_UNAVAILABLE' as const;
}

/** No key object on the token has the label / id asked for. */
export class Pkcs11KeyNotFoundError extends KeyError {
  readonly code = 'ERR_PKCS11_KEY_NOT_FOUND' as const;
}

/** Several key objects match the label / id: name the key by both. */
export class Pkcs11KeyAmbiguousError extends KeyError {
  readonly code = 'ERR_PKCS11_KEY_AMBIGUOUS' as const;
}

/** Key generation refused: a key with this label or id already exists on the token. */
export class Pkcs11KeyExistsError extends KeyError {
  readonly code = 'ERR_PKCS11_KEY_EXISTS' as const;
}

/** The token does not offer a mechanism this operation needs (e.g. EdDSA on an older HSM). */
export class Pkcs11MechanismUnsupportedError extends KeyError {
  readonly code = 'ERR_PKCS11_MECHANISM_UNSUPPORTED' as const;
}

/** The session was closed; open a new one. */
export class Pkcs11SessionClosedError extends KeyError {
  readonly code = 'ERR_PKCS11_SESSION_CLOSED' as const;
}

/** A PKCS#11 URI (RFC 7512) is malformed or uses an attribute this package does not read. */
export class Pkcs11UriInvalidError extends KeyError {
  readonly code = 'ERR_PKCS11_URI_INVALID' as const;
}

/** Any other failure the token reported. `ckr` is the Cryptoki return value's name (e.g. `CKR_DEVICE_ERROR`). */
export class Pkcs11OperationError extends KeyError {
  readonly code = 'ERR_PKCS11_OPERATION' as const;
  readonly ckr: string | undefined;
  constructor(message: string, options?: { cause?: unknown; ckr?: string }) {
    super(message, options);
    this.ckr = options?.ckr;
  }
}

/**
 * Discriminated union (on `code`) of the errors the PKCS#11 functions throw (besides `KeyError`s of the main entry).
 */
export type Pkcs11Error =
  | Pkcs11UnavailableError
  | Pkcs11ModuleError
  | Pkcs11TokenNotFoundError
  | Pkcs11PinIncorrectError
  | Pkcs11LoginError
  | Pkcs11PinUnavailableError
  | Pkcs11KeyNotFoundError
  | Pkcs11KeyAmbiguousError
  | Pkcs11KeyExistsError
  | Pkcs11MechanismUnsupportedError
  | Pkcs11SessionClosedError
  | Pkcs11UriInvalidError
  | Pkcs11OperationError;

/** Every error code of the PKCS#11 entry point. */
export type Pkcs11ErrorCode = Pkcs11Error['code'];

const CODES: ReadonlySet<string> = new Set<Pkcs11ErrorCode>([
  'ERR_PKCS11_UNAVAILABLE',
  'ERR_PKCS11_MODULE',
  'ERR_PKCS11_TOKEN_NOT_FOUND',
  'ERR_PKCS11_PIN_INCORRECT',
  'ERR_PKCS11_LOGIN_FAILED',
  'ERR_PKCS11_PIN_UNAVAILABLE',
  'ERR_PKCS11_KEY_NOT_FOUND',
  'ERR_PKCS11_KEY_AMBIGUOUS',
  'ERR_PKCS11_KEY_EXISTS',
  'ERR_PKCS11_MECHANISM_UNSUPPORTED',
  'ERR_PKCS11_SESSION_CLOSED',
  'ERR_PKCS11_URI_INVALID',
  'ERR_PKCS11_OPERATION',
]);

/** True when `err` is one of the PKCS#11 errors above. */
export function isPkcs11Error(err: unknown): err is Pkcs11Error {
  return err instanceof KeyError && CODES.has(err.code);
}

/** The `CKR_…` name a pkcs11js error carries, if any. */
export function ckrOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const message = (err as { message?: unknown }).message;
  if (typeof message !== 'string') return undefined;
  const match = /\b(CKR_[A-Z0-9_]+)/.exec(message);
  return match?.[1];
}

/** Wrap an unexpected pkcs11js failure, keeping the CKR name and dropping anything else the native layer said. */
export function operationError(what: string, err: unknown): Pkcs11OperationError {
  const ckr = ckrOf(err);
  return new Pkcs11OperationError(`${what} failed${ckr ? ` (${ckr})` : ''}`, { cause: err, ...(ckr ? { ckr } : {}) });
}
