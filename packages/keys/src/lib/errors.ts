/**
 * Every error this package throws is one of these classes. Each carries a stable string `code`, so callers can
 * `switch (err.code)` over the `KeysError` union instead of parsing messages.
 */

/** Marks every DivocError, so `isDivocError` also knows one made by a second copy of a package (ESM and CJS). */
const DIVOC_ERROR = Symbol.for('@divoc/error');

/**
 * The root of every error the `@divoc/*` packages throw. Each has a stable string `code` (`ERR_…`), typed as its
 * package's union of codes, and a message that never quotes input; `cause` carries the underlying error where there
 * is one. Test for one with `isDivocError(e)` and switch on `e.code`.
 */
export abstract class DivocError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
Object.defineProperty(DivocError.prototype, DIVOC_ERROR, { value: true });

/** True for any error thrown by a `@divoc/*` package (whichever copy of the package made it). */
export function isDivocError(error: unknown): error is DivocError {
  return typeof error === 'object' && error !== null && (error as { [DIVOC_ERROR]?: unknown })[DIVOC_ERROR] === true;
}

/* ---------------------------------------------------------------- error families */

/**
 * Every package defines its errors the same way: an abstract base class (the family) extending `DivocError`, one
 * concrete class per `code`, a union of those classes and an `isXError` guard. These helpers hold the parts that
 * were written again in every package, so that a package's errors.ts says only its names, codes and documentation:
 *
 * ```ts
 * export abstract class QrErrorBase extends DivocError {}
 * export class QrNotFoundError extends withCode(QrErrorBase, 'ERR_QR_NOT_FOUND') {}
 * export type QrError = QrNotFoundError | ...;
 * export const isQrError: FamilyGuard<QrError> = familyGuard(QrErrorBase);
 * ```
 */

/** Any class of an error family, abstract or not, whatever its constructor takes. */
export type DivocErrorClass<E extends DivocError = DivocError> = abstract new (...args: never) => E;

/** The class `withCode(base, code)` returns: `base` with its constructor, its instances carrying `code`. */
export type CodedErrorClass<B extends DivocErrorClass, C extends string> = new (
  ...args: ConstructorParameters<B>
) => InstanceType<B> & { readonly code: C };

/**
 * The class of one code of a family, to extend under the public name (`class X extends withCode(Base, 'ERR_X') {}`)
 * so that `name` is `X` and `instanceof` holds for `X`, `Base` and `DivocError`. `code` must be one the family
 * declares (a family that narrows `code` to a union of its codes gets a compile error for any other).
 */
export function withCode<B extends DivocErrorClass, const C extends InstanceType<B>['code']>(
  base: B,
  code: C,
): CodedErrorClass<B, C> {
  // `abstract` exists only for the type checker: at run time the base is an ordinary constructor.
  const Base = base as unknown as new (...args: unknown[]) => DivocError;
  class Coded extends Base {
    readonly code = code;
  }
  return Coded as unknown as CodedErrorClass<B, C>;
}

/**
 * The class of a family's error for JSON that parses but is unsafe (duplicate member, `__proto__`...). Its code is
 * the JSON one (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), passed by the thrower, so a user sees the same
 * code whichever format carried the JSON.
 */
export function withUnsafeJsonCode<B extends DivocErrorClass>(base: B): UnsafeJsonErrorClass<B> {
  const Base = base as unknown as new (message: string, options?: { cause?: unknown }) => DivocError;
  class UnsafeJson extends Base {
    readonly code: UnsafeJsonCode;
    constructor(message: string, options: { code: UnsafeJsonCode; cause?: unknown }) {
      super(message, options);
      this.code = options.code;
    }
  }
  return UnsafeJson as unknown as UnsafeJsonErrorClass<B>;
}

/** The class `withUnsafeJsonCode(base)` returns; the thrower names the code. */
export type UnsafeJsonErrorClass<B extends DivocErrorClass> = new (
  message: string,
  options: { code: UnsafeJsonCode; cause?: unknown },
) => InstanceType<B> & { readonly code: UnsafeJsonCode };

/** The `isXError` guard of a family. */
export type FamilyGuard<E extends DivocError> = (value: unknown) => value is E;

/** The `isXError` guard of a family: true for an instance of `base` (and, when given, one of `codes`). */
export function familyGuard<E extends DivocError>(base: DivocErrorClass, codes?: ReadonlySet<string>): FamilyGuard<E> {
  return (value: unknown): value is E => value instanceof base && (codes === undefined || codes.has(value.code));
}

/** Base class of every error thrown by `@divoc/keys`. */
export abstract class KeyError extends DivocError {}

/** Key material is malformed: bad encoding, wrong length, not on the curve, public/private mismatch. */
export class KeyInvalidError extends withCode(KeyError, 'ERR_KEY_INVALID') {}

/** Key material is well formed but of a type, curve, size or format this package does not support. */
export class KeyUnsupportedError extends withCode(KeyError, 'ERR_KEY_UNSUPPORTED') {}

/** The signature algorithm does not belong to the key's type (algorithm confusion). */
export class KeyAlgorithmMismatchError extends withCode(KeyError, 'ERR_KEY_ALG_MISMATCH') {}

/** A private key was needed (signing, private export) but the key pair holds only a public key. */
export class KeyNotPrivateError extends withCode(KeyError, 'ERR_KEY_NOT_PRIVATE') {}

/** A DID or DID URL is malformed, or its key bytes are. */
export class DidInvalidError extends withCode(KeyError, 'ERR_DID_INVALID') {}

/** A well-formed DID whose method or key type this package cannot resolve locally. */
export class DidUnsupportedError extends withCode(KeyError, 'ERR_DID_UNSUPPORTED') {}

/** A trust list, JWKS, certificate or DID document could not be loaded. The message names the entry and field. */
export class TrustListError extends withCode(KeyError, 'ERR_TRUST_LIST_INVALID') {}

/** A text encoding (base58btc, base64url, multibase) is malformed. */
export class EncodingError extends withCode(KeyError, 'ERR_ENCODING_INVALID') {}

/** `writePrivateKeyFile` refused to replace an existing file. */
export class KeyFileExistsError extends withCode(KeyError, 'ERR_KEY_FILE_EXISTS') {}

/**
 * A key file (`divoc-key` JSON, PEM, DIVOC key JSON, JWK) is not one, or the key inside is bad. `fileName` is the name
 * the caller gave, `jsonPath` the member at fault (`$.privateKeyPem`) when there is one, `reason` what is wrong. The
 * message says these three and never quotes the file's content; `cause` is the `@divoc/keys` error behind it, if any.
 */
export class KeyFileInvalidError extends KeyError {
  readonly code = 'ERR_KEY_FILE_INVALID' as const;
  readonly fileName: string;
  readonly jsonPath: string | undefined;
  readonly reason: string;
  constructor(fileName: string, reason: string, options: { jsonPath?: string; cause?: unknown } = {}) {
    const path = options.jsonPath;
    const at = path !== undefined && !(path !== '$' && reason.includes(path)) ? ` (at ${path})` : '';
    super(`${fileName}: ${reason}${at}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.fileName = fileName;
    this.jsonPath = options.jsonPath;
    this.reason = reason;
  }
}

/**
 * A key file is larger than the limit (`MAX_KEY_FILE_BYTES` unless told otherwise): refused before parsing, or while
 * reading.
 */
export class KeyFileTooLargeError extends KeyError {
  readonly code = 'ERR_KEY_FILE_TOO_LARGE' as const;
  readonly fileName: string;
  readonly limit: number;
  constructor(fileName: string, limit: number) {
    super(`${fileName}: larger than ${limit} bytes: not a key file`);
    this.fileName = fileName;
    this.limit = limit;
  }
}

/**
 * A key file could not be opened or read (`@divoc/keys/node`). `systemCode` is the file system's code (`ENOENT`,
 * `EACCES`, `EISDIR`...) and `cause` its error.
 */
export class KeyFileUnreadableError extends KeyError {
  readonly code = 'ERR_KEY_FILE_UNREADABLE' as const;
  readonly fileName: string;
  readonly systemCode: string | undefined;
  readonly reason: string;
  constructor(fileName: string, reason: string, options: { systemCode?: string; cause?: unknown } = {}) {
    super(`cannot read ${fileName}: ${reason}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.fileName = fileName;
    this.systemCode = options.systemCode;
    this.reason = reason;
  }
}

/** Compressed data is not a valid deflate / zlib / gzip stream. */
export class InflateInvalidError extends withCode(KeyError, 'ERR_INFLATE_INVALID') {}

/**
 * Decompression stopped because the output would pass its size or ratio budget (a decompression bomb, or just too big).
 */
export class InflateTooLargeError extends withCode(KeyError, 'ERR_INFLATE_TOO_LARGE') {}

/** An X.509 certificate or other DER structure is malformed or uses an encoding this package does not read. */
export class CertificateInvalidError extends withCode(KeyError, 'ERR_CERTIFICATE_INVALID') {}

/** Bytes that are not one item of the strict CBOR subset (`decodeCborStrict`): the reason names the byte offset. */
export class CborInvalidError extends withCode(KeyError, 'ERR_CBOR_INVALID') {}

/**
 * JSON text or data was refused by `parseJsonStrict` / `assertSafeJson`. `path` is the JSON path (`$.a.b[0]`) of the
 * offending member or value; `position` the character offset in the text, when there was text.
 */
export abstract class JsonError extends KeyError {
  readonly path: string;
  readonly position: number | undefined;
  constructor(message: string, path = '$', position?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    this.position = position;
  }
}

/** The text is not JSON (RFC 8259): bad token, unterminated string, trailing data, control character in a string. */
export class JsonSyntaxError extends withCode(JsonError, 'ERR_JSON_SYNTAX') {}

/**
 * An object names the same member twice. `JSON.parse` keeps the last value while a signer, a display or another
 * parser may use the first, so what was signed would not be what is read.
 */
export class JsonDuplicateKeyError extends withCode(JsonError, 'ERR_JSON_DUPLICATE_KEY') {}

/** A member is named `__proto__`, `constructor` or `prototype`: never data, only a way to reach a prototype. */
export class JsonForbiddenKeyError extends withCode(JsonError, 'ERR_JSON_FORBIDDEN_KEY') {}

/** Objects and arrays nest deeper than the limit (checked while parsing, so no stack overflow). */
export class JsonTooDeepError extends withCode(JsonError, 'ERR_JSON_TOO_DEEP') {}

/** The text is longer than the limit (checked before parsing). */
export class JsonTooLargeError extends withCode(JsonError, 'ERR_JSON_TOO_LARGE') {}

/**
 * The runtime lacks a cryptographic primitive the operation needs: `crypto.subtle` (insecure browser contexts, some
 * React Native set-ups) or `crypto.getRandomValues`. Never reported as a bad signature: nothing was checked.
 */
export class PlatformUnsupportedError extends withCode(KeyError, 'ERR_PLATFORM_UNSUPPORTED') {}

/**
 * True for `PlatformUnsupportedError` (by code, so a second copy of this package counts too). Verifiers rethrow it
 * where they would otherwise count a throwing key as "does not verify".
 */
export function isPlatformUnsupportedError(error: unknown): error is PlatformUnsupportedError {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_PLATFORM_UNSUPPORTED';
}

/** Discriminated union (on `code`) of every error this package throws. */
export type KeysError =
  | KeyInvalidError
  | KeyUnsupportedError
  | PlatformUnsupportedError
  | KeyAlgorithmMismatchError
  | KeyNotPrivateError
  | DidInvalidError
  | DidUnsupportedError
  | TrustListError
  | EncodingError
  | KeyFileExistsError
  | KeyFileInvalidError
  | KeyFileTooLargeError
  | KeyFileUnreadableError
  | InflateInvalidError
  | InflateTooLargeError
  | CertificateInvalidError
  | CborInvalidError
  | JsonSyntaxError
  | JsonDuplicateKeyError
  | JsonForbiddenKeyError
  | JsonTooDeepError
  | JsonTooLargeError;

/** Every `code` a `KeysError` can carry. */
export type KeysErrorCode = KeysError['code'];

/** True when `err` was thrown by this package. */
export const isKeysError: FamilyGuard<KeysError> = familyGuard(KeyError);

/** Codes of JSON that parses but says two things at once (duplicate member) or reaches for a prototype. */
export type UnsafeJsonCode = 'ERR_JSON_DUPLICATE_KEY' | 'ERR_JSON_FORBIDDEN_KEY';

/**
 * True for a `JsonDuplicateKeyError` / `JsonForbiddenKeyError`. Format packages pass these codes through to their
 * `decode` check, so a user sees the same code whichever format carried the JSON. Matched on `code`, so it also
 * holds across two copies of this package.
 */
export function isUnsafeJsonError(err: unknown): err is JsonDuplicateKeyError | JsonForbiddenKeyError {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'ERR_JSON_DUPLICATE_KEY' || code === 'ERR_JSON_FORBIDDEN_KEY';
}
