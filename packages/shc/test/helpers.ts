import { createSigner, importKeyPair, TrustStore } from '@divoc/keys';
import { vectorText, vectorJson as anyVectorJson, vectorUrl } from '../../../test/support/vectors.js';

/** The SMART Health Cards vectors in `<repo>/test/vectors/shc/` (see test/vectors/README.md). */
export const VECTORS = vectorUrl('shc/');
export const EXAMPLE_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';

/** A file under test/vectors/shc/ as text; a missing one throws. */
export function vector(path: string): string {
  return vectorText(`shc/${path}`);
}

export function vectorJson<T = unknown>(path: string): T {
  return anyVectorJson<T>(`shc/${path}`);
}

export const issuerJwks = () =>
  vectorJson<{ keys: Record<string, unknown>[] }>('examples/issuer/.well-known/jwks.json');

export function exampleStore(): TrustStore {
  const store = new TrustStore();
  store.addJwks(issuerJwks(), { issuer: EXAMPLE_ISSUER });
  return store;
}

/** The example JWKS without x5c chains (the JWKS alone as trust, no PKI). */
export function exampleStoreWithoutX5c(): TrustStore {
  const jwks = issuerJwks();
  const store = new TrustStore();
  store.addJwks({ keys: jwks.keys.map(({ x5c: _x5c, ...k }) => k) }, { issuer: EXAMPLE_ISSUER });
  return store;
}

export const EXAMPLES = ['00', '01', '02'] as const;

/** The example issuer's first signing key (keys/issuer.jwks.private.json): its kid, JWK, key pair and ES256 signer. */
export function exampleSigningKey() {
  const privateJwks = vectorJson<{ keys: (JsonWebKey & { kid: string })[] }>('keys/issuer.jwks.private.json');
  const { kid, use: _use, alg: _alg, ...jwk } = privateJwks.keys[0] as JsonWebKey & { kid: string; use: string };
  const keyPair = importKeyPair({ jwk });
  return { kid, jwk, keyPair, signer: createSigner(keyPair, { id: kid, algorithm: 'ES256' }) };
}
