import { keysForJwsIssuer, verifySignature, type TrustedKey, type TrustStore } from '@divoc/keys';
import type { ParsedJwt } from './jwt.js';

/**
 * Key ids this package looks up: base64url thumbprints and plain names. A DID URL (with `:` or `#`) is refused, so a
 * store that resolves keys from their names never trusts a key the credential itself chose.
 */
export const KID_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/** The key type each accepted JWS algorithm belongs to (algorithm/key-type confusion is refused before verifying). */
const KEY_TYPE = { ES256: 'P-256', EdDSA: 'Ed25519' } as const;

/** Trusted keys answering exactly to `iss#kid` or `kid` (see `keysForJwsIssuer`), with this package's kid pattern. */
export function candidateKeys(
  store: Pick<TrustStore, 'resolve'>,
  iss: string,
  kid: string,
): { keys: TrustedKey[]; foreign: TrustedKey[] } {
  return keysForJwsIssuer(store, iss, kid, KID_PATTERN);
}

/** The first key (in order) of the algorithm's key type under which the JWT's signature verifies. */
export async function verifiedBy(jwt: ParsedJwt, keys: readonly TrustedKey[]): Promise<TrustedKey | undefined> {
  for (const key of keys) {
    if (key.type !== KEY_TYPE[jwt.alg]) continue;
    if (await verifySignature(key, jwt.alg, jwt.signingInput, jwt.signature)) return key;
  }
  return undefined;
}

/** True when the key's type is the one the algorithm signs with. */
export const algorithmFits = (jwt: ParsedJwt, type: string): boolean => KEY_TYPE[jwt.alg] === type;
