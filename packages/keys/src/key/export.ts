import type { KeyObject } from 'node:crypto';
import { base58btcEncode } from '../codec/base58.js';
import { base64urlDecode } from '../codec/base64url.js';
import { multibaseEncode } from '../codec/multibase.js';
import { MULTICODEC, concatBytes } from '../codec/multicodec.js';
import { KeyNotPrivateError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyPair } from './key-pair.js';

function requirePrivate(kp: KeyPair): KeyObject {
  if (!kp.privateKey) throw new KeyNotPrivateError(`this ${kp.type} key pair has no private key`);
  return kp.privateKey;
}

function jwkOf(key: KeyObject): Record<string, string> {
  return key.export({ format: 'jwk' }) as Record<string, string>;
}

/** Public JWK with the defining members only, in RFC 7638 member order per type. */
export function exportPublicJwk(kp: KeyPair): JsonWebKey {
  const j = jwkOf(kp.publicKey);
  switch (kp.type) {
    case 'Ed25519':
      return { kty: 'OKP', crv: 'Ed25519', x: j.x! };
    case 'P-256':
      return { kty: 'EC', crv: 'P-256', x: j.x!, y: j.y! };
    case 'RSA':
      return { kty: 'RSA', n: j.n!, e: j.e! };
  }
}

/** Private JWK (public members plus `d`, and the CRT parameters for RSA). Handle with care. */
export function exportPrivateJwk(kp: KeyPair): JsonWebKey {
  const j = jwkOf(requirePrivate(kp));
  const pub = exportPublicJwk(kp);
  if (kp.type === 'RSA') return { ...pub, d: j.d!, p: j.p!, q: j.q!, dp: j.dp!, dq: j.dq!, qi: j.qi! };
  return { ...pub, d: j.d! };
}

/** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
export function exportPublicPem(kp: KeyPair): string {
  return kp.publicKey.export({ format: 'pem', type: 'spki' }) as string;
}

/** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted. */
export function exportPrivatePem(kp: KeyPair): string {
  return requirePrivate(kp).export({ format: 'pem', type: 'pkcs8' }) as string;
}

/** Raw public key bytes: Ed25519 32 bytes, P-256 33-byte compressed point. */
export function rawPublicKey(kp: KeyPair): Uint8Array {
  const j = jwkOf(kp.publicKey);
  if (kp.type === 'Ed25519') return base64urlDecode(j.x!);
  if (kp.type === 'P-256') {
    const y = base64urlDecode(j.y!);
    return concatBytes(Uint8Array.of(2 + (y[31]! & 1)), base64urlDecode(j.x!));
  }
  throw new KeyUnsupportedError('raw public keys exist only for Ed25519 and P-256');
}

/** Raw private key bytes: Ed25519 32-byte seed, P-256 32-byte scalar. */
export function rawPrivateKey(kp: KeyPair): Uint8Array {
  if (kp.type === 'RSA') throw new KeyUnsupportedError('raw private keys exist only for Ed25519 and P-256');
  return base64urlDecode(jwkOf(requirePrivate(kp)).d!);
}

/** Multikey public key: `z6Mk…` (Ed25519) or `zDna…` (P-256). RSA has no Multikey form here. */
export function publicKeyMultibase(kp: KeyPair): string {
  if (kp.type === 'RSA') throw new KeyUnsupportedError('publicKeyMultibase is defined for Ed25519 and P-256 keys only');
  const header = kp.type === 'Ed25519' ? MULTICODEC.ed25519Public : MULTICODEC.p256Public;
  return multibaseEncode(concatBytes(header, rawPublicKey(kp)));
}

/** Multikey private key: `z3u2…` (Ed25519 seed) or `z42t…` (P-256 scalar). */
export function privateKeyMultibase(kp: KeyPair): string {
  if (kp.type === 'RSA')
    throw new KeyUnsupportedError('privateKeyMultibase is defined for Ed25519 and P-256 keys only');
  const header = kp.type === 'Ed25519' ? MULTICODEC.ed25519Private : MULTICODEC.p256Private;
  return multibaseEncode(concatBytes(header, rawPrivateKey(kp)));
}

/** Ed25519 public key in base58btc (raw 32 bytes), as Ed25519VerificationKey2018. */
export function publicKeyBase58(kp: KeyPair): string {
  if (kp.type !== 'Ed25519') throw new KeyUnsupportedError('publicKeyBase58 is defined for Ed25519 keys only');
  return base58btcEncode(rawPublicKey(kp));
}

/** Ed25519 private key in base58btc as 64 bytes seed || public (DIVOC / tweetnacl layout). */
export function privateKeyBase58(kp: KeyPair): string {
  if (kp.type !== 'Ed25519') throw new KeyUnsupportedError('privateKeyBase58 is defined for Ed25519 keys only');
  return base58btcEncode(concatBytes(rawPrivateKey(kp), rawPublicKey(kp)));
}
