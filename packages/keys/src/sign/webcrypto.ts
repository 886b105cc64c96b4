/**
 * Signature verification with WebCrypto (`globalThis.crypto.subtle`): the path browsers take, and Node's too where
 * node:crypto is not available. Imported CryptoKeys are cached per TrustedKey object, so a key is imported once.
 */
import { base64urlDecode } from '../codec/base64url.js';
import { KeyInvalidError, PlatformUnsupportedError } from '../lib/errors.js';
import type { SignatureAlgorithm, TrustedKey } from '../types.js';
import { publicKeyInfoFromJwk } from '../key/public-jwk.js';

type Subtle = SubtleCrypto;

/**
 * The one way every package reaches WebCrypto. Throws `PlatformUnsupportedError` (ERR_PLATFORM_UNSUPPORTED) when
 * `crypto.subtle` is missing, so callers report the platform, never a signature that "does not verify".
 */
export function subtleCrypto(): Subtle {
  let subtle: Subtle | undefined;
  try {
    subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  } catch {
    subtle = undefined; // a getter that throws (some polyfills) is the same as none
  }
  if (!subtle || typeof subtle.verify !== 'function')
    throw new PlatformUnsupportedError(
      'WebCrypto (crypto.subtle) is not available here: browsers offer it only in a secure context (https or ' +
        'localhost); React Native needs a WebCrypto polyfill',
    );
  return subtle;
}

/** `crypto.getRandomValues` filling `bytes`; throws `PlatformUnsupportedError` when the runtime has none. */
export function secureRandom<T extends Uint8Array | Uint32Array>(bytes: T): T {
  const c = (globalThis as { crypto?: { getRandomValues?: (b: T) => T } }).crypto;
  if (typeof c?.getRandomValues !== 'function')
    throw new PlatformUnsupportedError('crypto.getRandomValues is not available here: no secure random numbers');
  c.getRandomValues(bytes);
  return bytes;
}

const IMPORT_PARAMS: Record<SignatureAlgorithm, AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};

interface Imported {
  key: CryptoKey;
  /** RSA modulus length in bytes (signatures must be exactly this long). */
  rsaBytes?: number;
}

const cache = new WeakMap<TrustedKey, Map<SignatureAlgorithm, Promise<Imported>>>();

/** BufferSource copy WebCrypto accepts for any Uint8Array view (also SharedArrayBuffer-backed ones). */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

async function importTrustedKey(key: TrustedKey, algorithm: SignatureAlgorithm): Promise<Imported> {
  // Validates the JWK (type, lengths, point on curve, RSA size) before WebCrypto sees it.
  const info = publicKeyInfoFromJwk(key.publicKeyJwk);
  if (info.type !== key.type)
    throw new KeyInvalidError(`trusted key ${key.id}: type ${key.type} does not match its JWK (${info.type})`);
  const cryptoKey = await subtleCrypto().importKey('jwk', { ...info.jwk, ext: true }, IMPORT_PARAMS[algorithm], false, [
    'verify',
  ]);
  return info.type === 'RSA' ? { key: cryptoKey, rsaBytes: base64urlDecode(info.jwk.n!).length } : { key: cryptoKey };
}

function importCached(key: TrustedKey, algorithm: SignatureAlgorithm): Promise<Imported> {
  let perKey = cache.get(key);
  if (!perKey) {
    perKey = new Map();
    cache.set(key, perKey);
  }
  let imported = perKey.get(algorithm);
  if (!imported) {
    imported = importTrustedKey(key, algorithm);
    perKey.set(algorithm, imported);
    // A failed import is not cached: the next call reports the same error afresh.
    imported.catch(() => perKey!.delete(algorithm));
  }
  return imported;
}

/** RSA-PSS salt lengths tried: the JWS one (hash length), then the largest possible (what legacy signers used). */
function pssSaltLengths(rsaBytes: number): number[] {
  return [32, rsaBytes - 32 - 2];
}

/**
 * WebCrypto verification of one signature with a TrustedKey whose type already matches `algorithm`. ES256 signatures
 * are raw r||s (WebCrypto's own format). Rejects only when the key cannot be imported (a trust configuration error).
 */
export async function webCryptoVerify(
  key: TrustedKey,
  algorithm: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const { key: cryptoKey, rsaBytes } = await importCached(key, algorithm);
  const subtle = subtleCrypto();
  const sig = bufferSource(signature);
  const bytes = bufferSource(data);
  try {
    switch (algorithm) {
      case 'EdDSA':
        return signature.length === 64 && (await subtle.verify({ name: 'Ed25519' }, cryptoKey, sig, bytes));
      case 'ES256':
        return (
          signature.length === 64 && (await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, cryptoKey, sig, bytes))
        );
      case 'RS256':
        return (
          signature.length === rsaBytes && (await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, cryptoKey, sig, bytes))
        );
      case 'PS256': {
        if (signature.length !== rsaBytes) return false;
        for (const saltLength of pssSaltLengths(rsaBytes)) {
          if (await subtle.verify({ name: 'RSA-PSS', saltLength }, cryptoKey, sig, bytes)) return true;
        }
        return false;
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}
