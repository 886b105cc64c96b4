import type { KeyObject } from 'node:crypto';
import { isKeyObject } from '../platform/require.js';
import { keyTypeOfKeyObject, isKeyPair, type KeyPair } from '../key/key-pair.js';
import { KeyAlgorithmMismatchError } from '../lib/errors.js';
import type { KeyType, SignatureAlgorithm, TrustedKey } from '../types.js';

const ALGORITHMS: Readonly<Record<KeyType, readonly SignatureAlgorithm[]>> = {
  Ed25519: ['EdDSA'],
  'P-256': ['ES256'],
  RSA: ['PS256', 'RS256'],
};

const DEFAULT_ALGORITHM: Readonly<Record<KeyType, SignatureAlgorithm>> = {
  Ed25519: 'EdDSA',
  'P-256': 'ES256',
  RSA: 'PS256',
};

/** The algorithm a key type signs with unless told otherwise: EdDSA, ES256, PS256. */
export function defaultAlgorithm(type: KeyType): SignatureAlgorithm {
  return DEFAULT_ALGORITHM[type];
}

/** True when `algorithm` belongs to keys of `type`. */
export function algorithmMatchesKeyType(type: KeyType, algorithm: unknown): algorithm is SignatureAlgorithm {
  return ALGORITHMS[type]?.includes(algorithm as SignatureAlgorithm) ?? false;
}

/** Key type of anything verifySignature accepts. */
export function keyTypeOf(key: KeyType | KeyPair | TrustedKey | KeyObject): KeyType {
  if (typeof key === 'string') return key;
  if (isKeyObject(key)) return keyTypeOfKeyObject(key);
  if (isKeyPair(key)) return key.type;
  return key.type;
}

/**
 * Throws `KeyAlgorithmMismatchError` (`ERR_KEY_ALG_MISMATCH`) unless `algorithm` belongs to the key's type.
 * Use it where a mismatch is a configuration bug that should be loud; `verifySignature` itself just returns false.
 */
export function assertAlgorithmMatchesKey(
  key: KeyType | KeyPair | TrustedKey | KeyObject,
  algorithm: SignatureAlgorithm,
): void {
  const type = keyTypeOf(key);
  if (!algorithmMatchesKeyType(type, algorithm)) {
    throw new KeyAlgorithmMismatchError(`algorithm ${String(algorithm)} cannot be used with a ${type} key`);
  }
}
