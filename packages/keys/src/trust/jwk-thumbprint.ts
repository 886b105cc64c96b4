import { base64urlEncode } from '../codec/base64url.js';
import { sha256 } from '../hash/sha256.js';
import { exportPublicJwk } from '../key/export.js';
import { isKeyPair, type KeyPair } from '../key/key-pair.js';
import { publicKeyInfoFromJwk } from '../key/public-jwk.js';

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the `kid` SMART Health Cards issuers use. Runtime-neutral for JWKs. */
export function jwkThumbprint(key: KeyPair | JsonWebKey): string {
  const jwk = (isKeyPair(key) ? exportPublicJwk(key) : publicKeyInfoFromJwk(key).jwk) as Record<string, string>;
  // Required members only, in lexicographic order, no whitespace.
  const members =
    jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return base64urlEncode(sha256(canonical));
}
