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

/** Base class of every error thrown by `@divoc/keys`. */
export abstract class KeyError extends DivocError {}

/** Key material is malformed: bad encoding, wrong length, not on the curve, public/private mismatch. */
export class KeyInvalidError extends KeyError {
  readonly code = 'ERR_KEY_INVALID' as const;
}

/** Key material is well formed but of a type, curve, size or format this package does not support. */
export class KeyUnsupportedError extends KeyError {
  readonly code = 'ERR_KEY_UNSUPPORTED' as const;
}

/** The signature algorithm does not belong to the key's type (algorithm confusion). */
export class KeyAlgorithmMismatchError extends KeyError {
  readonly code = 'ERR_KEY_ALG_MISMATCH' as const;
}

/** A private key was needed (signing, private export) but the key pair holds only a public key. */
export class KeyNotPrivateError extends KeyError {
  readonly code = 'ERR_KEY_NOT_PRIVATE' as const;
}

/** A DID or DID URL is malformed, or its key bytes are. */
export class DidInvalidError extends KeyError {
  readonly code = 'ERR_DID_INVALID' as const;
}

/** A well-formed DID whose method or key type this package cannot resolve locally. */
export class DidUnsupportedError extends KeyError {
  readonly code = 'ERR_DID_UNSUPPORTED' as const;
}

/** A trust list, JWKS, certificate or DID document could not be loaded. The message names the entry and field. */
export class TrustListError extends KeyError {
  readonly code = 'ERR_TRUST_LIST_INVALID' as const;
}

/** A text encoding (base58btc, base64url, multibase) is malformed. */
export class EncodingError extends KeyError {
  readonly code = 'ERR_ENCODING_INVALID' as const;
}

/** `writePrivateKeyFile` refused to replace an existing file. */
export class KeyFileExistsError extends KeyError {
  readonly code = 'ERR_KEY_FILE_EXISTS' as const;
}

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

/** A key file is larger than the limit (`MAX_KEY_FILE_BYTES` unless told otherwise): refused before parsing, or while reading. */
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
export class InflateInvalidError extends KeyError {
  readonly code = 'ERR_INFLATE_INVALID' as const;
}

/** Decompression stopped because the output would pass its size or ratio budget (a decompression bomb, or just too big). */
export class InflateTooLargeError extends KeyError {
  readonly code = 'ERR_INFLATE_TOO_LARGE' as const;
}

/** An X.509 certificate or other DER structure is malformed or uses an encoding this package does not read. */
export class CertificateInvalidError extends KeyError {
  readonly code = 'ERR_CERTIFICATE_INVALID' as const;
}

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
export class JsonSyntaxError extends JsonError {
  readonly code = 'ERR_JSON_SYNTAX' as const;
}

/**
 * An object names the same member twice. `JSON.parse` keeps the last value while a signer, a display or another
 * parser may use the first, so what was signed would not be what is read.
 */
export class JsonDuplicateKeyError extends JsonError {
  readonly code = 'ERR_JSON_DUPLICATE_KEY' as const;
}

/** A member is named `__proto__`, `constructor` or `prototype`: never data, only a way to reach a prototype. */
export class JsonForbiddenKeyError extends JsonError {
  readonly code = 'ERR_JSON_FORBIDDEN_KEY' as const;
}

/** Objects and arrays nest deeper than the limit (checked while parsing, so no stack overflow). */
export class JsonTooDeepError extends JsonError {
  readonly code = 'ERR_JSON_TOO_DEEP' as const;
}

/** The text is longer than the limit (checked before parsing). */
export class JsonTooLargeError extends JsonError {
  readonly code = 'ERR_JSON_TOO_LARGE' as const;
}

/** Discriminated union (on `code`) of every error this package throws. */
export type KeysError =
  | KeyInvalidError
  | KeyUnsupportedError
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
  | JsonSyntaxError
  | JsonDuplicateKeyError
  | JsonForbiddenKeyError
  | JsonTooDeepError
  | JsonTooLargeError;

/** Every `code` a `KeysError` can carry. */
export type KeysErrorCode = KeysError['code'];

/** True when `err` was thrown by this package. */
export function isKeysError(err: unknown): err is KeysError {
  return err instanceof KeyError;
}

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
