import { DivocError } from '@divoc/keys';
/**
 * Errors the service raises. Each has a stable `code` (clients switch on it) and the HTTP status it answers with.
 * The wire shape is `{ error: { code, message, details? } }`.
 */

export type ServiceErrorCode =
  | 'ERR_REQUEST_INVALID'
  | 'ERR_JSON_INVALID'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_MEDIA_TYPE_UNSUPPORTED'
  | 'ERR_NOT_ACCEPTABLE'
  | 'ERR_NOT_FOUND'
  | 'ERR_AUTH_MISSING'
  | 'ERR_AUTH_INVALID'
  | 'ERR_AUTH_EXPIRED'
  | 'ERR_AUTH_SCOPE'
  | 'ERR_RATE_LIMITED'
  | 'ERR_IDEMPOTENCY_KEY_INVALID'
  | 'ERR_IDEMPOTENCY_KEY_REUSED'
  | 'ERR_IDEMPOTENCY_IN_FLIGHT'
  | 'ERR_RECORD_INVALID'
  | 'ERR_CREDENTIAL_INVALID'
  | 'ERR_ISSUANCE_FAILED'
  | 'ERR_ALREADY_REVOKED'
  | 'ERR_NOT_REVOCABLE'
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_INTERNAL'
  | 'ERR_SERVICE_CONFIG_INVALID';

/** Base of every error the service throws; `status` is the HTTP status the error maps to. */
export class ServiceError extends DivocError {
  readonly code: ServiceErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    code: ServiceErrorCode,
    status: number,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ServiceError';
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.headers = Object.freeze({ ...(options.headers ?? {}) });
  }

  /** The JSON error body the service answers with. */
  toBody(): { error: { code: ServiceErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

/** The service configuration (object or file) is unusable. Thrown by `createService` / `loadServiceConfig`. */
export class ServiceConfigError extends DivocError {
  readonly code = 'ERR_SERVICE_CONFIG_INVALID' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceConfigError';
  }
}

/** The storage backend failed (connection lost, query error). Answers 503. */
export class StorageError extends DivocError {
  readonly code = 'ERR_STORAGE_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** Every error this package throws. */
export type AnyServiceError = ServiceError | ServiceConfigError | StorageError;

/** True for an error thrown by this package ({@link AnyServiceError}). */
export function isServiceError(error: unknown): error is AnyServiceError {
  return error instanceof ServiceError || error instanceof ServiceConfigError || error instanceof StorageError;
}

export const badRequest = (message: string, details?: unknown): ServiceError =>
  new ServiceError('ERR_REQUEST_INVALID', 400, message, details !== undefined ? { details } : {});
