import { curvePrime, decodeEcPoint } from '../key/ec-point.js';
import { base64urlEncode } from '../codec/base64url.js';
import { CertificateInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyType } from '../types.js';
import {
  TAG,
  bitStringBytes,
  children,
  expectTag,
  readNode,
  readOid,
  readOnly,
  unsignedIntegerBytes,
  type DerNode,
} from './der.js';

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
} as const;

/** An elliptic curve by its WebCrypto name. */
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

const CURVES: Record<
  NamedCurve,
  {
    oid: string;
    size: number;
  }
> = {
  'P-256': { oid: OID.p256, size: 32 },
  'P-384': { oid: OID.p384, size: 48 },
  'P-521': { oid: OID.p521, size: 66 },
};

/** Byte length of a coordinate / of r and s for a curve. */
export function curveSize(curve: NamedCurve): number {
  return CURVES[curve].size;
}

/** A public key read from a SubjectPublicKeyInfo, as a JWK WebCrypto and node:crypto both import. */
export interface SpkiPublicKey {
  /** `RSA` (rsaEncryption or RSASSA-PSS), `EC` (named curve) or `OKP` (Ed25519). */
  kty: 'RSA' | 'EC' | 'OKP';
  /** EC curve or `Ed25519`. */
  crv?: NamedCurve | 'Ed25519';
  /** Public JWK (defining members only). */
  jwk: JsonWebKey;
  /** The SDK key type when it is one the SDK signs and trusts with (Ed25519, P-256, RSA); undefined for P-384/P-521. */
  keyType?: KeyType;
  /** RSA modulus length in bits. */
  modulusLength?: number;
  /** The whole SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
}

function bigintOf(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Explicit ECParameters (some CSCAs use them): recognise the NIST prime curves by their field prime. */
function curveOfExplicitParameters(params: DerNode): NamedCurve {
  const [, fieldId] = children(params);
  const [fieldType, prime] = children(expectTag(fieldId, TAG.SEQUENCE, 'ECParameters.fieldID'));
  if (readOid(fieldType, 'fieldType') !== '1.2.840.10045.1.1')
    throw new KeyUnsupportedError('EC key over a non-prime field');
  const p = bigintOf(unsignedIntegerBytes(prime, 'field prime'));
  for (const name of Object.keys(CURVES) as NamedCurve[]) if (curvePrime(name) === p) return name;
  throw new KeyUnsupportedError('EC key on a curve other than P-256, P-384 or P-521 (e.g. brainpool)');
}

/** Read a DER SubjectPublicKeyInfo. Throws `CertificateInvalidError` (malformed) or `KeyUnsupportedError`. */
export function parseSpki(der: Uint8Array | DerNode): SpkiPublicKey {
  const node = der instanceof Uint8Array ? readOnly(der, 'SubjectPublicKeyInfo') : der;
  const [algorithm, key] = children(expectTag(node, TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  const [algorithmOid, params] = children(expectTag(algorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const oid = readOid(algorithmOid, 'public key algorithm');
  const bits = bitStringBytes(key, 'subjectPublicKey');
  const spki = new Uint8Array(node.raw);
  switch (oid) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const [n, e] = children(readOnly(bits, 'RSAPublicKey'));
      const modulus = unsignedIntegerBytes(n, 'RSA modulus');
      const exponent = unsignedIntegerBytes(e, 'RSA exponent');
      const modulusLength = modulus.length * 8 - Math.clz32(modulus[0]!) + 24;
      return {
        kty: 'RSA',
        jwk: { kty: 'RSA', n: base64urlEncode(modulus), e: base64urlEncode(exponent) },
        ...(modulusLength >= 2048 && modulusLength <= 8192 ? { keyType: 'RSA' as const } : {}),
        modulusLength,
        spki,
      };
    }
    case OID.ecPublicKey: {
      if (!params) throw new CertificateInvalidError('EC public key without curve parameters');
      let crv: NamedCurve;
      if (params.tag === TAG.OID) {
        const curveOid = readOid(params, 'named curve');
        const found = (Object.keys(CURVES) as NamedCurve[]).find((c) => CURVES[c].oid === curveOid);
        if (!found) throw new KeyUnsupportedError(`EC key on unsupported curve ${curveOid}`);
        crv = found;
      } else if (params.tag === TAG.SEQUENCE) {
        crv = curveOfExplicitParameters(params);
      } else throw new CertificateInvalidError('EC parameters are neither a named curve nor explicit parameters');
      const { size } = CURVES[crv];
      let raw: Uint8Array;
      try {
        raw = decodeEcPoint(crv, bits);
      } catch (err) {
        throw new CertificateInvalidError(`EC public key is not a point on ${crv}`, { cause: err });
      }
      return {
        kty: 'EC',
        crv,
        jwk: {
          kty: 'EC',
          crv,
          x: base64urlEncode(raw.subarray(1, 1 + size)),
          y: base64urlEncode(raw.subarray(1 + size)),
        },
        ...(crv === 'P-256' ? { keyType: 'P-256' as const } : {}),
        spki,
      };
    }
    case OID.ed25519:
      if (bits.length !== 32) throw new CertificateInvalidError('Ed25519 public key must be 32 bytes');
      return {
        kty: 'OKP',
        crv: 'Ed25519',
        jwk: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(bits) },
        keyType: 'Ed25519',
        spki,
      };
    default:
      throw new KeyUnsupportedError(`unsupported public key algorithm ${oid}`);
  }
}

/** PKCS#1 RSAPublicKey (`-----BEGIN RSA PUBLIC KEY-----`) to a public JWK. */
export function parsePkcs1RsaPublicKey(der: Uint8Array): JsonWebKey {
  const [n, e] = children(readOnly(der, 'RSAPublicKey'));
  return {
    kty: 'RSA',
    n: base64urlEncode(unsignedIntegerBytes(n, 'RSA modulus')),
    e: base64urlEncode(unsignedIntegerBytes(e, 'RSA exponent')),
  };
}

export { readNode };
