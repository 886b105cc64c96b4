/**
 * Public keys as validated JWKs, without node:crypto: what trust stores hold and verifiers import into WebCrypto.
 */
import { base64urlDecode, base64urlEncode } from '../codec/base64url.js';
import { multibaseDecode } from '../codec/multibase.js';
import { MULTICODEC, startsWith, unsupportedHeaderName } from '../codec/multicodec.js';
import { bytesEqual } from '../lib/bytes.js';
import { KeyAlgorithmMismatchError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyType, SignatureAlgorithm } from '../types.js';
import { decodeEcPoint } from './ec-point.js';

/** RSA moduli outside this range are refused: below is too weak, above costs too much CPU per verification. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;
/** Longest multibase / base58 key field read (a key, even with its multicodec header, is far shorter). */
const MAX_KEY_TEXT_LENGTH = 256;

/** A validated public key: its type and a JWK holding only the defining members. */
export interface PublicKeyInfo {
  type: KeyType;
  jwk: JsonWebKey;
}

const ALGS_BY_TYPE: Record<KeyType, readonly SignatureAlgorithm[]> = {
  Ed25519: ['EdDSA'],
  'P-256': ['ES256'],
  RSA: ['PS256', 'RS256'],
};

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

function bytesMember(jwk: Record<string, unknown>, name: string, length?: number): Uint8Array {
  const value = jwk[name];
  if (typeof value !== 'string') throw new KeyInvalidError(`JWK member "${name}" must be a base64url string`);
  if (value.length > 4096) throw new KeyInvalidError(`JWK member "${name}" is too long`);
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(value);
  } catch (err) {
    throw new KeyInvalidError(`JWK member "${name}" is not base64url`, { cause: err });
  }
  if (length !== undefined && bytes.length !== length) {
    throw new KeyInvalidError(`JWK member "${name}" must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** The KeyType a JWK describes, after checking kty/crv and member lengths (no crypto yet). */
export function jwkKeyType(jwk: unknown): KeyType {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new KeyInvalidError('JWK must be an object');
  const j = jwk as Record<string, unknown>;
  const hasPrivate = j.d !== undefined;
  let type: KeyType;
  switch (j.kty) {
    case 'OKP':
      if (j.crv !== 'Ed25519') throw new KeyUnsupportedError(`unsupported OKP curve ${describe(j.crv)} (only Ed25519)`);
      bytesMember(j, 'x', 32);
      if (hasPrivate) bytesMember(j, 'd', 32);
      type = 'Ed25519';
      break;
    case 'EC':
      if (j.crv !== 'P-256') throw new KeyUnsupportedError(`unsupported EC curve ${describe(j.crv)} (only P-256)`);
      bytesMember(j, 'x', 32);
      bytesMember(j, 'y', 32);
      if (hasPrivate) bytesMember(j, 'd', 32);
      type = 'P-256';
      break;
    case 'RSA':
      bytesMember(j, 'n');
      bytesMember(j, 'e');
      if (hasPrivate) for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) bytesMember(j, m);
      type = 'RSA';
      break;
    case 'oct':
      throw new KeyUnsupportedError('symmetric (oct) JWKs are not supported');
    default:
      throw new KeyUnsupportedError(`unsupported JWK kty ${describe(j.kty)}`);
  }
  // A JWK that names its algorithm must name one that belongs to its key type (blocks algorithm confusion early).
  if (j.alg !== undefined && !(ALGS_BY_TYPE[type] as readonly unknown[]).includes(j.alg)) {
    throw new KeyAlgorithmMismatchError(`JWK alg ${describe(j.alg)} does not match a ${type} key`);
  }
  return type;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * Validate a public JWK fully (shape, lengths, P-256 point on the curve, RSA modulus 2048–8192 bits) and return its
 * defining members only. Private members are ignored here; callers that must refuse them check `d` themselves.
 * Throws `KeyInvalidError` / `KeyUnsupportedError` / `KeyAlgorithmMismatchError`.
 */
export function publicKeyInfoFromJwk(jwk: unknown): PublicKeyInfo {
  const type = jwkKeyType(jwk);
  const j = jwk as Record<string, string>;
  switch (type) {
    case 'Ed25519':
      return { type, jwk: { kty: 'OKP', crv: 'Ed25519', x: j.x! } };
    case 'P-256': {
      const x = base64urlDecode(j.x!);
      const y = base64urlDecode(j.y!);
      const point = new Uint8Array(65);
      point[0] = 4;
      point.set(x, 1);
      point.set(y, 33);
      try {
        decodeEcPoint('P-256', point);
      } catch (err) {
        throw new KeyInvalidError('P-256 public key is not a point on the curve', { cause: err });
      }
      return { type, jwk: { kty: 'EC', crv: 'P-256', x: j.x!, y: j.y! } };
    }
    case 'RSA': {
      const n = stripLeadingZeros(base64urlDecode(j.n!));
      const e = stripLeadingZeros(base64urlDecode(j.e!));
      const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
      if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
        throw new KeyUnsupportedError(`RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`);
      if (e.length > 8 || (e[e.length - 1]! & 1) === 0)
        throw new KeyInvalidError('RSA public exponent is not a small odd number');
      return { type, jwk: { kty: 'RSA', n: base64urlEncode(n), e: base64urlEncode(e) } };
    }
  }
}

/** Public key from raw bytes: Ed25519 32 bytes; P-256 33-byte compressed or 65-byte uncompressed point. */
export function publicKeyInfoFromRaw(type: 'Ed25519' | 'P-256', raw: Uint8Array): PublicKeyInfo {
  if (type === 'Ed25519') {
    if (raw.length !== 32) throw new KeyInvalidError(`Ed25519 public key must be 32 bytes, got ${raw.length}`);
    return { type, jwk: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(raw) } };
  }
  const uncompressed = p256Uncompressed(raw);
  return {
    type,
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: base64urlEncode(uncompressed.subarray(1, 33)),
      y: base64urlEncode(uncompressed.subarray(33, 65)),
    },
  };
}

/** Raw public key bytes: Ed25519 32 bytes, P-256 33-byte compressed point. */
export function rawPublicKeyOfJwk(info: PublicKeyInfo): Uint8Array {
  if (info.type === 'Ed25519') return base64urlDecode(info.jwk.x!);
  if (info.type === 'P-256') {
    const y = base64urlDecode(info.jwk.y!);
    const out = new Uint8Array(33);
    out[0] = 2 + (y[31]! & 1);
    out.set(base64urlDecode(info.jwk.x!), 1);
    return out;
  }
  throw new KeyUnsupportedError('raw public keys exist only for Ed25519 and P-256');
}

/** Same key? Compares the defining members of two validated public keys. */
export function samePublicKey(a: PublicKeyInfo, b: PublicKeyInfo): boolean {
  if (a.type !== b.type) return false;
  const members = a.type === 'RSA' ? ['n', 'e'] : a.type === 'P-256' ? ['x', 'y'] : ['x'];
  return members.every((m) =>
    bytesEqual(
      stripLeadingZeros(base64urlDecode((a.jwk as Record<string, string>)[m]!)),
      stripLeadingZeros(base64urlDecode((b.jwk as Record<string, string>)[m]!)),
    ),
  );
}

/** A P-256 public key (33-byte compressed or 65-byte uncompressed point) as the 65-byte point, on the curve. */
function p256Uncompressed(point: Uint8Array): Uint8Array {
  if (point.length !== 33 && point.length !== 65) {
    throw new KeyInvalidError(`P-256 public key must be 33 or 65 bytes, got ${point.length}`);
  }
  try {
    return decodeEcPoint('P-256', point);
  } catch (err) {
    throw new KeyInvalidError('P-256 public key is not a point on the curve', { cause: err });
  }
}

/**
 * The bytes of a key field in a text encoding (`encoding` names it in the message): a string of at most 256
 * characters that decodes, else `KeyInvalidError` naming the field.
 */
function decodeKeyTextField(
  value: unknown,
  field: string,
  encoding: string,
  decode: (text: string) => Uint8Array,
): Uint8Array {
  if (typeof value !== 'string') throw new KeyInvalidError(`${field} must be a string`);
  if (value.length > MAX_KEY_TEXT_LENGTH) throw new KeyInvalidError(`${field} is too long`);
  try {
    return decode(value);
  } catch (err) {
    throw new KeyInvalidError(`${field} is not valid ${encoding}`, { cause: err });
  }
}

function decodeMultibaseField(value: unknown, field: string): Uint8Array {
  return decodeKeyTextField(value, field, 'multibase', multibaseDecode);
}

/** Decode a Multikey public key to its type and raw bytes (Ed25519: 32 bytes; P-256: 33-byte compressed point). */
export function decodeMultikeyPublic(
  value: unknown,
  field = 'publicKeyMultibase',
): { type: 'Ed25519' | 'P-256'; raw: Uint8Array } {
  const bytes = decodeMultibaseField(value, field);
  if (startsWith(bytes, MULTICODEC.ed25519Public)) {
    if (bytes.length !== 34)
      throw new KeyInvalidError(`${field}: Ed25519 key must be 32 bytes, got ${bytes.length - 2}`);
    return { type: 'Ed25519', raw: bytes.subarray(2) };
  }
  if (startsWith(bytes, MULTICODEC.p256Public)) {
    if (bytes.length !== 35)
      throw new KeyInvalidError(`${field}: P-256 key must be a 33-byte compressed point, got ${bytes.length - 2}`);
    return { type: 'P-256', raw: bytes.subarray(2) };
  }
  const known = unsupportedHeaderName(bytes);
  if (known) throw new KeyUnsupportedError(`${field}: unsupported key type ${known}`);
  throw new KeyInvalidError(`${field}: unknown multicodec header`);
}

export { decodeKeyTextField, decodeMultibaseField, p256Uncompressed };
