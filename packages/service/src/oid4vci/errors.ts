import { DivocError } from '@divoc/keys';

/** The OAuth 2.0 / OpenID4VCI error codes the issuer answers with. */
export type Oid4vciErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'invalid_credential_request'
  | 'unknown_credential_configuration';

/**
 * An OpenID4VCI protocol error: answered as `{ error, error_description }` (not the service's `{ error: { code } }`
 * shape), because wallets read these. `invalid_token` answers 401 with `WWW-Authenticate`; the others 400.
 */
export class Oid4vciError extends DivocError {
  readonly code: Oid4vciErrorCode;
  readonly status: number;
  constructor(code: Oid4vciErrorCode, description: string) {
    super(description);
    this.name = 'Oid4vciError';
    this.code = code;
    this.status = code === 'invalid_token' ? 401 : 400;
  }

  /** The wire body. */
  toBody(): { error: Oid4vciErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message };
  }

  /** Extra headers (the Bearer challenge of RFC 6750 for a bad access token). */
  headers(): Record<string, string> {
    return this.code === 'invalid_token' ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
  }
}
