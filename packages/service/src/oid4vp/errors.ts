import { DivocError } from '@divoc/keys';

/** The OAuth 2.0 / OpenID4VP error codes the response endpoint answers with. */
export type Oid4vpErrorCode = 'invalid_request' | 'access_denied' | 'vp_formats_not_supported';

/**
 * An OpenID4VP protocol error at the response endpoint: answered as `{ error, error_description }` (the OAuth shape
 * wallets read), with status 400.
 */
export class Oid4vpError extends DivocError {
  readonly code: Oid4vpErrorCode;
  readonly status = 400;
  constructor(code: Oid4vpErrorCode, description: string) {
    super(description);
    this.name = 'Oid4vpError';
    this.code = code;
  }

  /** The wire body. */
  toBody(): { error: Oid4vpErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
