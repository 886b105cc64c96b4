import type { KeyObject, JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { base58btcDecode } from '../codec/base58.js';
import { base64urlEncode } from '../codec/base64url.js';
import { MULTICODEC, startsWith } from '../codec/multicodec.js';
import { bytesEqual } from '../lib/bytes.js';
import { KeyError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyType, SignatureAlgorithm } from '../types.js';
import { findPemBlock } from '../lib/pem.js';
import { isKeyObject, requireNodeCrypto } from '../platform/require.js';
import { makeKeyPair, type KeyPair } from './key-pair.js';
import {
  decodeKeyTextField,
  decodeMultibaseField,
  decodeMultikeyPublic,
  describe,
  jwkKeyType,
  p256Uncompressed,
} from './public-jwk.js';

export { decodeMultikeyPublic, jwkKeyType };

// Key import builds node:crypto KeyObjects: Node only (the browser build throws KeyUnsupportedError on use).
const createPublicKey: typeof import('node:crypto').createPublicKey = (...args) =>
  requireNodeCrypto('importKeyPair').createPublicKey(...args);
const createPrivateKey: typeof import('node:crypto').createPrivateKey = (...args) =>
  requireNodeCrypto('importKeyPair').createPrivateKey(...args);

/** JWK (public or private, Ed25519 / P-256 / RSA). */
export interface JwkKeyInput {
  jwk: JsonWebKey;
}
/** PEM: SPKI / PKCS#1 public, PKCS#8 / PKCS#1 / SEC1 private, or an X.509 certificate (public key only). */
export interface PemKeyInput {
  pem: string;
}
/** DER bytes of an SPKI public key or a PKCS#8 private key. */
export interface DerKeyInput {
  der: Uint8Array;
  kind: 'spki' | 'pkcs8';
}
/** Multikey: `z6Mk…` Ed25519 or `zDna…` P-256 public key, optionally with its private key (`z3u2…`, `z42t…`). */
export interface MultikeyInput {
  publicKeyMultibase: string;
  privateKeyMultibase?: string;
  /** Same as privateKeyMultibase (the W3C ECDSA vectors use this name). */
  secretKeyMultibase?: string;
}
/**
 * Ed25519 in the 2018 suites' form: raw 32-byte public key in base58; private key is 64 bytes (seed || public,
 * as DIVOC and tweetnacl store it) or the 32-byte seed. `type` may be `Ed25519VerificationKey2018` (DIVOC's key JSON).
 */
export interface Base58KeyInput {
  type?: 'Ed25519' | 'Ed25519VerificationKey2018' | 'Ed25519VerificationKey2020';
  publicKeyBase58: string;
  privateKeyBase58?: string;
}
/** An existing `node:crypto` KeyObject (public or private). */
export interface KeyObjectInput {
  keyObject: KeyObject;
}

/** Key material `importKeyPair` accepts: a JWK, PEM, DER, Multikey, base58 or a node:crypto KeyObject. */
export type KeyInput = JwkKeyInput | PemKeyInput | DerKeyInput | MultikeyInput | Base58KeyInput | KeyObjectInput;

/** Refuse key texts longer than this: real keys are a few kilobytes at most. */
const MAX_PEM_LENGTH = 65_536;

/**
 * Import a key pair (or a public key alone) from any supported representation.
 * Throws `KeyInvalidError` for malformed material and `KeyUnsupportedError` for other key types and curves.
 */
export function importKeyPair(input: KeyInput): KeyPair {
  if (typeof input !== 'object' || input === null) throw new KeyInvalidError('key input must be an object');
  if ('keyObject' in input) return fromKeyObject(input.keyObject);
  if ('jwk' in input) return importJwk(input.jwk);
  if ('pem' in input) return importPem(input.pem);
  if ('der' in input) return importDer(input.der, input.kind);
  if ('publicKeyMultibase' in input) return importMultikey(input);
  if ('publicKeyBase58' in input) return importBase58(input);
  throw new KeyInvalidError(
    'key input must have one of: jwk, pem, der, publicKeyMultibase, publicKeyBase58, keyObject',
  );
}

function fromKeyObject(key: unknown): KeyPair {
  if (!isKeyObject(key)) throw new KeyInvalidError('keyObject must be a node:crypto KeyObject');
  if (key.type === 'secret') throw new KeyUnsupportedError('symmetric keys are not supported');
  return key.type === 'private' ? makeKeyPair(undefined, createPublicKey(key), key) : makeKeyPair(undefined, key);
}

/** Run a node:crypto parser, turning its errors into KeyInvalidError without echoing key material. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyInvalidError(`${what}: could not be parsed`, { cause: err });
  }
}

// ---------------------------------------------------------------- JWK

const ALGS_BY_TYPE: Record<KeyType, readonly SignatureAlgorithm[]> = {
  Ed25519: ['EdDSA'],
  'P-256': ['ES256'],
  RSA: ['PS256', 'RS256'],
};

/**
 * Only the members that define the key: node:crypto rejects unknown extras on some versions, and extras never matter.
 */
function keyMembers(jwk: Record<string, unknown>, type: KeyType, withPrivate: boolean): NodeJsonWebKey {
  const names =
    type === 'Ed25519' ? ['kty', 'crv', 'x'] : type === 'P-256' ? ['kty', 'crv', 'x', 'y'] : ['kty', 'n', 'e'];
  if (withPrivate) names.push(...(type === 'RSA' ? ['d', 'p', 'q', 'dp', 'dq', 'qi'] : ['d']));
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = jwk[n];
  return out as NodeJsonWebKey;
}

export function importJwk(jwk: JsonWebKey): KeyPair {
  const type = jwkKeyType(jwk);
  const j = jwk as Record<string, unknown>;
  const publicKey = guard('JWK', () => createPublicKey({ key: keyMembers(j, type, false), format: 'jwk' }));
  if (j.d === undefined) return makeKeyPair(type, publicKey);
  const privateKey = guard('JWK', () => createPrivateKey({ key: keyMembers(j, type, true), format: 'jwk' }));
  assertSamePublic(publicKey, createPublicKey(privateKey), 'JWK public members do not match the private key');
  return makeKeyPair(type, publicKey, privateKey);
}

function assertSamePublic(a: KeyObject, b: KeyObject, message: string): void {
  if (!a.equals(b)) throw new KeyInvalidError(message);
}

// ---------------------------------------------------------------- PEM / DER

function importPem(pem: string): KeyPair {
  if (typeof pem !== 'string') throw new KeyInvalidError('PEM must be a string');
  if (pem.length > MAX_PEM_LENGTH) throw new KeyInvalidError(`PEM longer than ${MAX_PEM_LENGTH} characters`);
  const found = findPemBlock(pem);
  if (!found) throw new KeyInvalidError('not a PEM block (missing or mismatched BEGIN/END lines)');
  const { block, label } = found;
  // Legacy OpenSSL encryption of PKCS#1 / SEC1 keys: headers inside the block.
  if (/Proc-Type:\s*4,ENCRYPTED/.test(found.body))
    throw new KeyUnsupportedError('encrypted private keys are not supported; decrypt first');
  switch (label) {
    case 'PRIVATE KEY':
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY': {
      const privateKey = guard('PEM private key', () => createPrivateKey({ key: block, format: 'pem' }));
      return makeKeyPair(undefined, createPublicKey(privateKey), privateKey);
    }
    case 'ENCRYPTED PRIVATE KEY':
      throw new KeyUnsupportedError('encrypted private keys are not supported; decrypt first');
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return makeKeyPair(
        undefined,
        guard('PEM public key', () => createPublicKey({ key: block, format: 'pem' })),
      );
    case 'CERTIFICATE':
      return makeKeyPair(
        undefined,
        guard('PEM certificate', () => new (requireNodeCrypto('importKeyPair').X509Certificate)(block).publicKey),
      );
    default:
      throw new KeyUnsupportedError(`unsupported PEM label "${label}"`);
  }
}

function importDer(der: Uint8Array, kind: 'spki' | 'pkcs8'): KeyPair {
  if (!(der instanceof Uint8Array)) throw new KeyInvalidError('der must be a Uint8Array');
  if (der.length > MAX_PEM_LENGTH) throw new KeyInvalidError('DER too long');
  requireNodeCrypto('importKeyPair');
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (kind === 'spki')
    return makeKeyPair(
      undefined,
      guard('SPKI DER', () => createPublicKey({ key: buf, format: 'der', type: 'spki' })),
    );
  if (kind === 'pkcs8') {
    const privateKey = guard('PKCS#8 DER', () => createPrivateKey({ key: buf, format: 'der', type: 'pkcs8' }));
    return makeKeyPair(undefined, createPublicKey(privateKey), privateKey);
  }
  throw new KeyInvalidError(`der kind must be 'spki' or 'pkcs8', got ${describe(kind)}`);
}

// ---------------------------------------------------------------- raw key bytes (Multikey, base58, did:key)

/** Build a KeyPair from raw Ed25519 bytes (32-byte public, optional 32-byte seed). */
export function ed25519FromRaw(publicRaw: Uint8Array, seed?: Uint8Array): KeyPair {
  if (publicRaw.length !== 32)
    throw new KeyInvalidError(`Ed25519 public key must be 32 bytes, got ${publicRaw.length}`);
  const x = base64urlEncode(publicRaw);
  const publicKey = guard('Ed25519 public key', () =>
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }),
  );
  if (seed === undefined) return makeKeyPair('Ed25519', publicKey);
  if (seed.length !== 32) throw new KeyInvalidError(`Ed25519 private key seed must be 32 bytes, got ${seed.length}`);
  const privateKey = guard('Ed25519 private key', () =>
    createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x, d: base64urlEncode(seed) }, format: 'jwk' }),
  );
  assertSamePublic(publicKey, createPublicKey(privateKey), 'Ed25519 public key does not belong to the private key');
  return makeKeyPair('Ed25519', publicKey, privateKey);
}

/** Build a KeyPair from a P-256 point (33-byte compressed or 65-byte uncompressed) and optional 32-byte scalar. */
export function p256FromRaw(point: Uint8Array, scalar?: Uint8Array): KeyPair {
  const uncompressed = p256Uncompressed(point);
  const x = base64urlEncode(uncompressed.subarray(1, 33));
  const y = base64urlEncode(uncompressed.subarray(33, 65));
  const publicKey = guard('P-256 public key', () =>
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }),
  );
  if (scalar === undefined) return makeKeyPair('P-256', publicKey);
  if (scalar.length !== 32) throw new KeyInvalidError(`P-256 private key must be 32 bytes, got ${scalar.length}`);
  const privateKey = guard('P-256 private key', () =>
    createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x, y, d: base64urlEncode(scalar) }, format: 'jwk' }),
  );
  assertSamePublic(publicKey, createPublicKey(privateKey), 'P-256 public key does not belong to the private key');
  return makeKeyPair('P-256', publicKey, privateKey);
}

function importMultikey(input: MultikeyInput): KeyPair {
  const { type, raw } = decodeMultikeyPublic(input.publicKeyMultibase);
  const privateField = input.privateKeyMultibase !== undefined ? 'privateKeyMultibase' : 'secretKeyMultibase';
  const privateValue = input.privateKeyMultibase ?? input.secretKeyMultibase;
  if (
    input.privateKeyMultibase !== undefined &&
    input.secretKeyMultibase !== undefined &&
    input.privateKeyMultibase !== input.secretKeyMultibase
  ) {
    throw new KeyInvalidError('privateKeyMultibase and secretKeyMultibase differ');
  }
  if (privateValue === undefined) return type === 'Ed25519' ? ed25519FromRaw(raw) : p256FromRaw(raw);
  const priv = decodeMultibaseField(privateValue, privateField);
  const header = type === 'Ed25519' ? MULTICODEC.ed25519Private : MULTICODEC.p256Private;
  if (!startsWith(priv, header))
    throw new KeyInvalidError(`${privateField}: multicodec header is not ${type} private key`);
  if (priv.length !== 34)
    throw new KeyInvalidError(`${privateField}: ${type} private key must be 32 bytes, got ${priv.length - 2}`);
  return type === 'Ed25519' ? ed25519FromRaw(raw, priv.subarray(2)) : p256FromRaw(raw, priv.subarray(2));
}

const BASE58_TYPES: readonly unknown[] = [
  undefined,
  'Ed25519',
  'Ed25519VerificationKey2018',
  'Ed25519VerificationKey2020',
];

function decodeBase58Field(value: unknown, field: string): Uint8Array {
  return decodeKeyTextField(value, field, 'base58btc', (text) => base58btcDecode(text));
}

function importBase58(input: Base58KeyInput): KeyPair {
  if (!BASE58_TYPES.includes(input.type))
    throw new KeyUnsupportedError(`unsupported base58 key type ${describe(input.type)} (only Ed25519)`);
  const pub = decodeBase58Field(input.publicKeyBase58, 'publicKeyBase58');
  if (pub.length !== 32) throw new KeyInvalidError(`publicKeyBase58: Ed25519 key must be 32 bytes, got ${pub.length}`);
  if (input.privateKeyBase58 === undefined) return ed25519FromRaw(pub);
  const priv = decodeBase58Field(input.privateKeyBase58, 'privateKeyBase58');
  if (priv.length === 64) {
    // seed || public: the trailing half must be the same public key.
    if (!bytesEqual(priv.subarray(32), pub)) {
      throw new KeyInvalidError('privateKeyBase58: embedded public key differs from publicKeyBase58');
    }
    return ed25519FromRaw(pub, priv.subarray(0, 32));
  }
  if (priv.length === 32) return ed25519FromRaw(pub, priv);
  throw new KeyInvalidError(`privateKeyBase58: Ed25519 private key must be 64 or 32 bytes, got ${priv.length}`);
}

/** Algorithms each key type may use. */
export function algorithmsForKeyType(type: KeyType): readonly SignatureAlgorithm[] {
  return ALGS_BY_TYPE[type];
}
