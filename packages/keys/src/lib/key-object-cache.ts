import type { JsonWebKey as NodeJsonWebKey, KeyObject } from 'node:crypto';
import { jwkKeyType } from '../key/public-jwk.js';
import { requireNodeCrypto } from '../platform/require.js';
import { keyTypeOfKeyObject } from '../key/key-pair.js';
import { KeyError, KeyInvalidError } from './errors.js';
import type { TrustedKey } from '../types.js';

/**
 * TrustedKey is runtime-neutral (JWK); verification needs a KeyObject. Import each TrustedKey once and keep the
 * KeyObject for as long as the TrustedKey object lives.
 */
const cache = new WeakMap<TrustedKey, KeyObject>();

/** The node:crypto public KeyObject for a TrustedKey (imported once, then cached). Node only. */
export function publicKeyObject(key: TrustedKey): KeyObject {
  const cached = cache.get(key);
  if (cached) return cached;
  const { createPublicKey } = requireNodeCrypto('publicKeyObject');
  if (typeof key !== 'object' || key === null) throw new KeyInvalidError('trusted key must be an object');
  try {
    const type = jwkKeyType(key.publicKeyJwk);
    if (type !== key.type)
      throw new KeyInvalidError(`trusted key ${key.id}: type ${key.type} does not match its JWK (${type})`);
    const j = key.publicKeyJwk as Record<string, unknown>;
    if (j.d !== undefined) throw new KeyInvalidError(`trusted key ${key.id}: publicKeyJwk holds private key material`);
    const members =
      type === 'RSA'
        ? { kty: j.kty, n: j.n, e: j.e }
        : type === 'P-256'
          ? { kty: j.kty, crv: j.crv, x: j.x, y: j.y }
          : { kty: j.kty, crv: j.crv, x: j.x };
    const keyObject = createPublicKey({ key: members as NodeJsonWebKey, format: 'jwk' });
    keyTypeOfKeyObject(keyObject);
    cache.set(key, keyObject);
    return keyObject;
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyInvalidError(`trusted key ${String(key.id)}: publicKeyJwk could not be imported`, { cause: err });
  }
}

/** Seed the cache when the KeyObject is already at hand (TrustedKey made from a KeyPair). */
export function rememberPublicKeyObject(key: TrustedKey, keyObject: KeyObject): void {
  cache.set(key, keyObject);
}
