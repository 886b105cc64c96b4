import type { KeyPair, Signer } from '@divoc/keys';
import { FormatIssueError } from '@divoc/schemas';

/** SMART Health Card issuer key. */
export interface ShcSigningKey {
  /** ES256 signer. */
  signer: Signer;
  /** Its key (the public half is enough): gives the `kid` (JWK thumbprint). */
  key: KeyPair | JsonWebKey;
  /** `iss`: https URL without a trailing slash. Default: the credential issuer when it is an https URL. */
  issuer?: string;
}

/** SHC `iss` from the key's issuer, else the credential issuer when it is an https URL (trailing slash dropped). */
export function shcIssuerOf(key: ShcSigningKey, issuer: string): string {
  if (key.issuer !== undefined) return key.issuer;
  if (/^https:\/\//.test(issuer)) return issuer.replace(/\/+$/, '');
  throw new FormatIssueError(
    'shc',
    'ERR_ISSUER_KEY_MISSING',
    'SMART Health Cards need an https issuer URL: give keys.shc.issuer',
  );
}
