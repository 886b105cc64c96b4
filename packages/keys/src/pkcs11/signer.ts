import { createHash } from 'node:crypto';
import type { KeyPair } from '../key/key-pair.js';
import { KeyInvalidError } from '../lib/errors.js';
import { assertAlgorithmMatchesKey, defaultAlgorithm } from '../sign/algorithms.js';
import { PS256_SALT_LENGTH } from '../sign/signer.js';
import type { KeyType, SignatureAlgorithm, Signer } from '../types.js';
import { ecdsaDerToRaw } from '../x509/verify.js';
import {
  CK_PARAMS_RSA_PSS,
  CKG_MGF1_SHA256,
  CKM_ECDSA,
  CKM_EDDSA,
  CKM_SHA256,
  CKM_SHA256_RSA_PKCS,
  CKM_SHA256_RSA_PKCS_PSS,
  CKO_PRIVATE_KEY,
  type Handle,
  type Mechanism,
} from './cryptoki.js';
import { operationError, Pkcs11MechanismUnsupportedError, Pkcs11SessionClosedError } from './errors.js';
import { checkSelector, findOne, keyTypeOfObject, readPublicKey, type Pkcs11KeySelector } from './keys.js';
import { stateOf, withSession, type Pkcs11Session } from './session.js';

/**
 * Options of `createPkcs11Signer`: which key of the token (label or id), the verification method id and the
 * algorithm.
 */
export type CreatePkcs11SignerOptions = Pkcs11KeySelector & {
  /** Verification method put into proofs (DID URL, kid, `did:india`): the Signer's `id`. */
  signerId: string;
  /** Defaults: Ed25519 → EdDSA, P-256 → ES256, RSA → PS256. RS256 is accepted for RSA keys too. */
  algorithm?: SignatureAlgorithm;
};

/** A Signer whose private key stays in the token, plus what it was made from. */
export interface Pkcs11Signer extends Signer {
  readonly keyType: KeyType;
  /** The public half, read from the token when the signer was made. */
  readonly publicKey: KeyPair;
}

/** Longest input we pass to the token in one C_Sign (EdDSA signs the message itself, not a digest). */
const MAX_SIGN_INPUT = 16 * 1024 * 1024;

/**
 * A `Signer` backed by a private key in the token. The key is found once (by label and/or id); each `sign` borrows a
 * PKCS#11 session from the session's pool for C_SignInit + C_Sign, so parallel calls never share a session.
 *
 * Mechanisms: EdDSA → CKM_EDDSA (pure Ed25519); ES256 → CKM_ECDSA over a SHA-256 digest computed here, giving raw
 * r||s (64 bytes) as PKCS#11 defines it; PS256 → CKM_SHA256_RSA_PKCS_PSS, MGF1-SHA256, 32-byte salt;
 * RS256 → CKM_SHA256_RSA_PKCS.
 */
export async function createPkcs11Signer(
  session: Pkcs11Session,
  options: CreatePkcs11SignerOptions,
): Promise<Pkcs11Signer> {
  if (typeof options !== 'object' || options === null) throw new KeyInvalidError('createPkcs11Signer needs options');
  const { signerId } = options;
  if (typeof signerId !== 'string' || signerId.length === 0)
    throw new KeyInvalidError('signerId must be a non-empty string');
  const sel = checkSelector(options);
  const { keyHandle, keyType, publicKey } = await withSession(session, (handle, cryptoki) => {
    const object = findOne(cryptoki, handle, CKO_PRIVATE_KEY, sel, 'private key');
    const type = keyTypeOfObject(cryptoki, handle, object);
    return { keyHandle: object, keyType: type, publicKey: readPublicKey(cryptoki, handle, sel) };
  });
  if (publicKey.type !== keyType)
    throw new KeyInvalidError(`the public key with this label is ${publicKey.type} but the private key is ${keyType}`);
  const algorithm = options.algorithm ?? defaultAlgorithm(keyType);
  assertAlgorithmMatchesKey(keyType, algorithm);
  const { mechanisms } = stateOf(session);
  const { mechanism, prepare, finish, outputSize } = plan(algorithm, keyType, publicKey);
  if (!mechanisms.has(mechanism.mechanism)) {
    throw new Pkcs11MechanismUnsupportedError(
      `the token does not offer mechanism 0x${mechanism.mechanism.toString(16)} for ${algorithm}`,
    );
  }

  return Object.freeze({
    id: signerId,
    algorithm,
    keyType,
    publicKey,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      if (!(data instanceof Uint8Array)) throw new KeyInvalidError('data to sign must be a Uint8Array');
      if (data.length > MAX_SIGN_INPUT)
        throw new KeyInvalidError(`data to sign is longer than ${MAX_SIGN_INPUT} bytes`);
      if (session.closed) throw new Pkcs11SessionClosedError('the PKCS#11 session of this signer was closed');
      const input = prepare(data);
      const signature = await withSession(session, async (handle: Handle, cryptoki) => {
        try {
          cryptoki.C_SignInit(handle, mechanism, keyHandle);
          return await cryptoki.C_SignAsync(handle, input, Buffer.alloc(outputSize));
        } catch (err) {
          throw operationError(`${algorithm} signing in the token`, err);
        }
      });
      return finish(
        new Uint8Array(signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength)),
      );
    },
  });
}

interface SignPlan {
  mechanism: Mechanism;
  prepare(data: Uint8Array): Buffer;
  finish(signature: Uint8Array): Uint8Array;
  outputSize: number;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function rsaBytes(publicKey: KeyPair): number {
  return Math.ceil((publicKey.publicKey.asymmetricKeyDetails?.modulusLength ?? 8192) / 8);
}

function plan(algorithm: SignatureAlgorithm, keyType: KeyType, publicKey: KeyPair): SignPlan {
  const same = (s: Uint8Array) => s;
  switch (algorithm) {
    case 'EdDSA':
      return { mechanism: { mechanism: CKM_EDDSA }, prepare: asBuffer, finish: same, outputSize: 64 };
    case 'ES256':
      return {
        mechanism: { mechanism: CKM_ECDSA },
        prepare: (data) => createHash('sha256').update(data).digest(),
        // PKCS#11 defines ECDSA output as r||s; a module that answers in DER is converted rather than trusted blindly.
        finish: (s) => (s.length === 64 ? s : s[0] === 0x30 ? ecdsaDerToRaw(s, 32) : s),
        outputSize: 132,
      };
    case 'PS256':
      return {
        mechanism: {
          mechanism: CKM_SHA256_RSA_PKCS_PSS,
          parameter: { type: CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: PS256_SALT_LENGTH },
        },
        prepare: asBuffer,
        finish: same,
        outputSize: rsaBytes(publicKey),
      };
    case 'RS256':
      return {
        mechanism: { mechanism: CKM_SHA256_RSA_PKCS },
        prepare: asBuffer,
        finish: same,
        outputSize: rsaBytes(publicKey),
      };
    default:
      throw new KeyInvalidError(`unsupported algorithm ${String(algorithm)} for a ${keyType} key`);
  }
}
