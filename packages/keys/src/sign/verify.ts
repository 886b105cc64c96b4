import type { KeyObject } from 'node:crypto';
import { isKeyPair, keyTypeOfKeyObject, type KeyPair } from '../key/key-pair.js';
import { publicKeyObject } from '../lib/key-object-cache.js';
import { nodeCrypto } from '../platform/node.js';
import { isKeyObject } from '../platform/require.js';
import type { KeyType, SignatureAlgorithm, TrustedKey } from '../types.js';
import { algorithmMatchesKeyType } from './algorithms.js';
import { webCryptoVerify } from './webcrypto.js';

function resolveKeyObject(key: TrustedKey | KeyPair | KeyObject): { keyObject: KeyObject; type: KeyType } {
  if (isKeyObject(key)) {
    // A private KeyObject verifies too, but only through its public half.
    return { keyObject: key, type: keyTypeOfKeyObject(key) };
  }
  if (isKeyPair(key)) return { keyObject: key.publicKey, type: key.type };
  return { keyObject: publicKeyObject(key as TrustedKey), type: (key as TrustedKey).type };
}

/**
 * Verify `signature` over `data`. Resolves to false — never rejects — for a wrong signature, a signature of the wrong
 * length or encoding (ES256 must be 64-byte r||s), an unknown algorithm, or an algorithm that does not belong to the
 * key's type (algorithm confusion, e.g. EdDSA with an RSA key). Use `assertAlgorithmMatchesKey` to make a mismatch
 * loud. PS256 accepts the JWS salt length (32) and the maximum (legacy DIVOC signed with node-jose); in Node any salt
 * length. Only a key that cannot be imported at all (a TrustedKey with a broken JWK) rejects, with `KeyInvalidError` /
 * `KeyUnsupportedError`: that is a trust configuration error, not a bad signature.
 *
 * Runs on node:crypto in Node (fast, synchronous underneath) and on WebCrypto elsewhere (browsers, the browser build).
 * KeyPair and KeyObject keys exist in Node only.
 */
export async function verifySignature(
  key: TrustedKey | KeyPair | KeyObject,
  algorithm: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
  if (!nodeCrypto) {
    if (isKeyPair(key) || isKeyObject(key)) return false;
    const trusted = key as TrustedKey;
    if (!algorithmMatchesKeyType(trusted.type, algorithm)) return false;
    return webCryptoVerify(trusted, algorithm, data, signature);
  }
  let resolved: { keyObject: KeyObject; type: KeyType };
  if (isKeyObject(key)) {
    try {
      resolved = resolveKeyObject(key);
    } catch {
      return false; // a KeyObject of a type we do not support cannot have made a signature we accept
    }
  } else {
    resolved = resolveKeyObject(key);
  }
  const { keyObject, type } = resolved;
  if (!algorithmMatchesKeyType(type, algorithm)) return false;
  const { constants, verify: nodeVerify } = nodeCrypto;
  try {
    switch (algorithm) {
      case 'EdDSA':
        return signature.length === 64 && nodeVerify(null, data, keyObject, signature);
      case 'ES256':
        return (
          signature.length === 64 &&
          nodeVerify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature)
        );
      case 'PS256':
        return (
          signature.length === rsaByteLength(keyObject) &&
          nodeVerify(
            'sha256',
            data,
            { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
            signature,
          )
        );
      case 'RS256':
        return (
          signature.length === rsaByteLength(keyObject) &&
          nodeVerify('sha256', data, { key: keyObject, padding: constants.RSA_PKCS1_PADDING }, signature)
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function rsaByteLength(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}
