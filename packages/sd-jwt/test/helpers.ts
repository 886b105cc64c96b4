import {
  base64urlDecode,
  base64urlEncode,
  createSigner,
  exportPublicJwk,
  generateKeyPair,
  jwkThumbprint,
  utf8Encode,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { recoveryRecord, shortVaccinationRecord, testRecord } from '../../../test/support/fixtures.js';

export const ISSUER = 'https://issuer.divoc.example';
export const OTHER_ISSUER = 'https://other.divoc.example';
export const ISSUED_AT = new Date('2024-03-01T10:00:00Z');
export const NOW = new Date('2024-06-01T00:00:00Z');
export const AUDIENCE = 'https://verifier.divoc.example';
export const NONCE = 'n-0S6_WzA2Mj';

export interface IssuerKey {
  keyPair: KeyPair;
  signer: Signer;
  kid: string;
  metadata: { issuer: string; jwks: { keys: JsonWebKey[] } };
}

/** An issuer key (P-256 ES256 or Ed25519 EdDSA) and its JWT VC Issuer Metadata. */
export async function issuerKey(issuer = ISSUER, type: 'P-256' | 'Ed25519' = 'P-256'): Promise<IssuerKey> {
  const keyPair = await generateKeyPair(type);
  const kid = jwkThumbprint(keyPair);
  return {
    keyPair,
    kid,
    signer: createSigner(keyPair, { id: kid }),
    metadata: { issuer, jwks: { keys: [{ ...exportPublicJwk(keyPair), kid } as JsonWebKey] } },
  };
}

/** A holder key and its signer. */
export async function holderKey(type: 'P-256' | 'Ed25519' = 'P-256') {
  const keyPair = await generateKeyPair(type);
  return { keyPair, jwk: exportPublicJwk(keyPair) as JsonWebKey, signer: createSigner(keyPair, { id: 'holder' }) };
}

export const vaccination = () => buildCredential('vaccination-v2', shortVaccinationRecord, { issuer: ISSUER });
export const test = () => buildCredential('test', testRecord, { issuer: ISSUER });
export const recovery = () => buildCredential('recovery', recoveryRecord, { issuer: ISSUER });

/** JSON of a base64url part. */
export const partJson = (part: string): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(base64urlDecode(part))) as Record<string, unknown>;
/** base64url of a JSON value (or of text as is). */
export const b64 = (value: unknown): string =>
  base64urlEncode(utf8Encode(typeof value === 'string' ? value : JSON.stringify(value)));

/** A JWT signed with `signer` from a header and payload, unchecked (to forge attacks). */
export async function forgeJwt(header: unknown, payload: unknown, signer: Signer): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${base64urlEncode(await signer.sign(utf8Encode(input)))}`;
}
