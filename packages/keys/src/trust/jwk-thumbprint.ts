import { createHash } from 'node:crypto';
import { base64urlEncode } from '../codec/base64url.js';
import { exportPublicJwk } from '../key/export.js';
import { importKeyPair } from '../key/import.js';
import { isKeyPair, type KeyPair } from '../key/key-pair.js';

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the `kid` SMART Health Cards issuers use. */
export function jwkThumbprint(key: KeyPair | JsonWebKey): string {
  const jwk = exportPublicJwk(isKeyPair(key) ? key : importKeyPair({ jwk: key })) as Record<string, string>;
  // Required members only, in lexicographic order, no whitespace.
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return base64urlEncode(createHash('sha256').update(canonical).digest());
}
