/** Public key import without node:crypto (trust lists, DID documents, JWKS): runs the same in Node and browsers. */
import { base58btcDecode } from '../codec/base58.js';
import { base64Decode } from '../codec/base64url.js';
import { KeyError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import { findPemBlock } from '../lib/pem.js';
import { parseCertificate } from '../x509/certificate.js';
import { parsePkcs1RsaPublicKey, parseSpki } from '../x509/spki.js';
import {
  decodeMultikeyPublic,
  describe,
  publicKeyInfoFromJwk,
  publicKeyInfoFromRaw,
  type PublicKeyInfo,
} from './public-jwk.js';

/** A public key as trust material gives it: a JWK, a PEM (SPKI, PKCS#1 or certificate), a Multikey or base58 key. */
export type PublicKeyInput =
  { jwk: unknown } | { pem: string } | { publicKeyMultibase: string } | { type?: string; publicKeyBase58: string };

const PRIVATE = 'holds private key material; trust lists carry public keys only';
const MAX_PEM_LENGTH = 65_536;
const BASE58_TYPES: readonly unknown[] = [
  undefined,
  'Ed25519',
  'Ed25519VerificationKey2018',
  'Ed25519VerificationKey2020',
];

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyError && err.code !== 'ERR_CERTIFICATE_INVALID') throw err;
    throw new KeyInvalidError(`${what}: could not be parsed`, { cause: err });
  }
}

function fromPem(pem: unknown): PublicKeyInfo {
  if (typeof pem !== 'string') throw new KeyInvalidError('PEM must be a string');
  if (pem.length > MAX_PEM_LENGTH) throw new KeyInvalidError(`PEM longer than ${MAX_PEM_LENGTH} characters`);
  const found = findPemBlock(pem);
  if (!found) throw new KeyInvalidError('not a PEM block (missing or mismatched BEGIN/END lines)');
  switch (found.label) {
    case 'PRIVATE KEY':
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY':
      throw new KeyInvalidError(PRIVATE);
    case 'PUBLIC KEY':
      return guard('PEM public key', () => {
        const spki = parseSpki(base64Decode(found.body));
        if (!spki.keyType) throw new KeyUnsupportedError(`unsupported public key (${spki.crv ?? spki.kty})`);
        return publicKeyInfoFromJwk(spki.jwk);
      });
    case 'RSA PUBLIC KEY':
      return guard('PEM public key', () => publicKeyInfoFromJwk(parsePkcs1RsaPublicKey(base64Decode(found.body))));
    case 'CERTIFICATE':
      return guard('PEM certificate', () => {
        const { publicKey } = parseCertificate(found.block);
        if (!publicKey.keyType)
          throw new KeyUnsupportedError(`unsupported public key (${publicKey.crv ?? publicKey.kty})`);
        return publicKeyInfoFromJwk(publicKey.jwk);
      });
    default:
      throw new KeyUnsupportedError(`unsupported PEM label "${found.label}"`);
  }
}

/**
 * Validated public key from a JWK, PEM (SPKI, PKCS#1, certificate), Multikey or base58 Ed25519 key, without
 * node:crypto (the same in Node and browsers). Private key material is refused (`ERR_KEY_INVALID`): trust is public.
 */
export function importPublicKeyInfo(input: PublicKeyInput): PublicKeyInfo {
  if (typeof input !== 'object' || input === null) throw new KeyInvalidError('key input must be an object');
  if ('jwk' in input) {
    if (typeof input.jwk === 'object' && input.jwk !== null && (input.jwk as { d?: unknown }).d !== undefined) {
      publicKeyInfoFromJwk(input.jwk); // a malformed key reports its own error first
      throw new KeyInvalidError(PRIVATE);
    }
    return publicKeyInfoFromJwk(input.jwk);
  }
  if ('pem' in input) return fromPem(input.pem);
  if ('publicKeyMultibase' in input) {
    const { type, raw } = decodeMultikeyPublic(input.publicKeyMultibase);
    return publicKeyInfoFromRaw(type, raw);
  }
  if ('publicKeyBase58' in input) {
    if (!BASE58_TYPES.includes(input.type))
      throw new KeyUnsupportedError(`unsupported base58 key type ${describe(input.type)} (only Ed25519)`);
    if (typeof input.publicKeyBase58 !== 'string') throw new KeyInvalidError('publicKeyBase58 must be a string');
    if (input.publicKeyBase58.length > 256) throw new KeyInvalidError('publicKeyBase58 is too long');
    let raw: Uint8Array;
    try {
      raw = base58btcDecode(input.publicKeyBase58);
    } catch (err) {
      throw new KeyInvalidError('publicKeyBase58 is not valid base58btc', { cause: err });
    }
    if (raw.length !== 32)
      throw new KeyInvalidError(`publicKeyBase58: Ed25519 key must be 32 bytes, got ${raw.length}`);
    return publicKeyInfoFromRaw('Ed25519', raw);
  }
  throw new KeyInvalidError('key input must have one of: jwk, pem, publicKeyMultibase, publicKeyBase58');
}
