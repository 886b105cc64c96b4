import type { KeyObject } from 'node:crypto';
import { KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import { isKeyObject, requireNodeCrypto } from '../platform/require.js';
import { RSA_MAX_BITS, RSA_MIN_BITS, describe } from './public-jwk.js';
import type { KeyType } from '../types.js';

/**
 * An imported key, held as `node:crypto` KeyObjects so signing and verifying never re-parse key material.
 * `privateKey` is absent for public-only keys.
 */
export interface KeyPair {
  readonly type: KeyType;
  readonly publicKey: KeyObject;
  readonly privateKey?: KeyObject;
}

/** Options of `generateKeyPair`. */
export interface GenerateKeyPairOptions {
  /** RSA modulus length in bits (2048 to 8192, default 2048). Ignored for other types. */
  modulusLength?: number;
}

export { RSA_MAX_BITS, RSA_MIN_BITS, describe };

/** node:crypto's generateKeyPair as a promise (Node only: the browser build throws KeyUnsupportedError). */
function generate(
  type: 'ed25519' | 'ec' | 'rsa',
  options?: object,
): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  const crypto = requireNodeCrypto('generateKeyPair');
  return new Promise((resolve, reject) => {
    (
      crypto.generateKeyPair as unknown as (
        t: string,
        o: object | undefined,
        cb: (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) => void,
      ) => void
    )(type, options, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })));
  });
}

/** Generate a fresh key pair. RSA uses e = 65537. */
export async function generateKeyPair(type: KeyType, options: GenerateKeyPairOptions = {}): Promise<KeyPair> {
  switch (type) {
    case 'Ed25519': {
      const { publicKey, privateKey } = await generate('ed25519');
      return makeKeyPair('Ed25519', publicKey, privateKey);
    }
    case 'P-256': {
      const { publicKey, privateKey } = await generate('ec', { namedCurve: 'prime256v1' });
      return makeKeyPair('P-256', publicKey, privateKey);
    }
    case 'RSA': {
      const modulusLength = options.modulusLength ?? 2048;
      if (
        !Number.isInteger(modulusLength) ||
        modulusLength < RSA_MIN_BITS ||
        modulusLength > RSA_MAX_BITS ||
        modulusLength % 8 !== 0
      ) {
        throw new KeyUnsupportedError(
          `RSA modulusLength must be a multiple of 8 between ${RSA_MIN_BITS} and ${RSA_MAX_BITS}`,
        );
      }
      const { publicKey, privateKey } = await generate('rsa', { modulusLength, publicExponent: 0x10001 });
      return makeKeyPair('RSA', publicKey, privateKey);
    }
    default:
      throw new KeyUnsupportedError(`unsupported key type ${describe(type)}`);
  }
}

/** The KeyType of a KeyObject, or a typed error for keys this package does not handle. */
export function keyTypeOfKeyObject(key: KeyObject): KeyType {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'Ed25519';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'P-256';
      throw new KeyUnsupportedError(`unsupported EC curve ${curve ?? 'unknown'} (only P-256)`);
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
        throw new KeyUnsupportedError(`RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`);
      }
      return 'RSA';
    }
    default:
      throw new KeyUnsupportedError(`unsupported key type ${key.asymmetricKeyType ?? key.type}`);
  }
}

/**
 * Build a frozen KeyPair from KeyObjects, checking the type and, when both halves are given,
 * that the public key is the one belonging to the private key.
 */
export function makeKeyPair(expected: KeyType | undefined, publicKey: KeyObject, privateKey?: KeyObject): KeyPair {
  if (publicKey.type !== 'public') throw new KeyInvalidError('publicKey must be a public KeyObject');
  const type = keyTypeOfKeyObject(publicKey);
  if (expected !== undefined && type !== expected) throw new KeyInvalidError(`expected a ${expected} key, got ${type}`);
  if (privateKey !== undefined) {
    if (privateKey.type !== 'private') throw new KeyInvalidError('privateKey must be a private KeyObject');
    if (keyTypeOfKeyObject(privateKey) !== type)
      throw new KeyInvalidError('public and private keys are of different types');
  }
  return Object.freeze(privateKey === undefined ? { type, publicKey } : { type, publicKey, privateKey });
}

/** True for objects shaped like a KeyPair. */
export function isKeyPair(value: unknown): value is KeyPair {
  return typeof value === 'object' && value !== null && isKeyObject((value as { publicKey?: unknown }).publicKey);
}
