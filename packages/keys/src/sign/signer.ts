import type { KeyObject } from 'node:crypto';
import { rawPrivateKey } from '../key/export.js';
import type { KeyPair } from '../key/key-pair.js';
import { KeyInvalidError, KeyNotPrivateError, KeyUnsupportedError } from '../lib/errors.js';
import type { SignatureAlgorithm, Signer } from '../types.js';
import { requireNodeCrypto } from '../platform/require.js';
import { assertAlgorithmMatchesKey, defaultAlgorithm } from './algorithms.js';

/** Options of `createSigner`. */
export interface CreateSignerOptions {
  /** Verification method put into proofs: DID URL, kid, or a label such as `did:india`. */
  id: string;
  /** Defaults: Ed25519 → EdDSA, P-256 → ES256, RSA → PS256. */
  algorithm?: SignatureAlgorithm;
  /**
   * P-256 only: derive the nonce per RFC 6979 (no low-S normalisation), so the same key and data always give the
   * same signature, as the W3C ecdsa test vectors expect. EdDSA and RS256 are deterministic anyway; PS256 never is.
   */
  deterministic?: boolean;
}

/** JWS PS256 uses a salt as long as the digest (32 bytes); verification auto-detects the length. */
export const PS256_SALT_LENGTH = 32;

let nobleP256: Promise<typeof import('@noble/curves/nist.js')> | undefined;

function toBytes(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/**
 * A Signer over an in-memory private key. The KeyObject is reused for every signature.
 * ES256 signatures are raw r||s (64 bytes), never DER.
 */
export function createSigner(kp: KeyPair, options: CreateSignerOptions): Signer {
  if (typeof options?.id !== 'string' || options.id.length === 0)
    throw new KeyInvalidError('signer id must be a non-empty string');
  const privateKey: KeyObject | undefined = kp.privateKey;
  if (!privateKey) throw new KeyNotPrivateError(`cannot sign: this ${kp.type} key pair has no private key`);
  const algorithm = options.algorithm ?? defaultAlgorithm(kp.type);
  assertAlgorithmMatchesKey(kp.type, algorithm);
  const id = options.id;
  // In-memory keys are node:crypto KeyObjects: signing is Node only (a browser build cannot hold a KeyPair anyway).
  const { constants, sign: nodeSign } = requireNodeCrypto('createSigner');
  let signBytes: (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

  switch (algorithm) {
    case 'EdDSA':
      signBytes = (data) => toBytes(nodeSign(null, data, privateKey));
      break;
    case 'ES256':
      if (options.deterministic) {
        // noble needs the scalar; extract it once here, not per signature. The curve code loads on the first
        // signature, not at import (issue 14: start-up time; only deterministic signing uses it).
        const scalar = rawPrivateKey(kp);
        signBytes = async (data) => {
          const { p256 } = await (nobleP256 ??= import('@noble/curves/nist.js'));
          return p256.sign(data, scalar, { prehash: true, lowS: false }).toCompactRawBytes();
        };
      } else {
        signBytes = (data) => toBytes(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      }
      break;
    case 'PS256':
      if (options.deterministic)
        throw new KeyUnsupportedError('PS256 signatures are randomized; use RS256 for deterministic RSA');
      signBytes = (data) =>
        toBytes(
          nodeSign('sha256', data, {
            key: privateKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: PS256_SALT_LENGTH,
          }),
        );
      break;
    case 'RS256':
      signBytes = (data) =>
        toBytes(nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }));
      break;
  }

  return Object.freeze({
    id,
    algorithm,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      if (!(data instanceof Uint8Array)) throw new KeyInvalidError('data to sign must be a Uint8Array');
      return signBytes(data);
    },
  });
}
