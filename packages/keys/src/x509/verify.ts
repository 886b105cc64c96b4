import { CertificateInvalidError } from '../lib/errors.js';
import { bufferSource, subtleCrypto } from '../sign/webcrypto.js';
import { TAG, children, expectTag, readOid, readOnly, smallInteger, unsignedIntegerBytes } from './der.js';
import type { X509CertificateInfo } from './certificate.js';
import { curveSize, type SpkiPublicKey } from './spki.js';

type Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const ECDSA: Record<string, Hash> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};
const RSA_PKCS1: Record<string, Hash> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};
const HASH_OIDS: Record<string, Hash> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const ED25519 = '1.3.101.112';

/** DER ECDSA-Sig-Value (SEQUENCE { r, s }) to the raw r||s WebCrypto verifies. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const [r, s, ...rest] = children(expectTag(readOnly(der, 'ECDSA signature'), TAG.SEQUENCE, 'ECDSA signature'));
  if (rest.length > 0) throw new CertificateInvalidError('ECDSA signature has extra fields');
  const out = new Uint8Array(size * 2);
  for (const [i, n] of [r, s].entries()) {
    const bytes = unsignedIntegerBytes(n, i === 0 ? 'r' : 's');
    if (bytes.length > size) throw new CertificateInvalidError('ECDSA signature component is too long');
    out.set(bytes, size * (i + 1) - bytes.length);
  }
  return out;
}

/** RSASSA-PSS-params: hash (default SHA-1) and salt length (default 20). */
function pssParameters(parameters: Uint8Array | undefined): { hash: Hash; saltLength: number } {
  let hash: Hash = 'SHA-1';
  let saltLength = 20;
  if (!parameters) return { hash, saltLength };
  for (const field of children(expectTag(readOnly(parameters, 'RSASSA-PSS-params'), TAG.SEQUENCE, 'RSASSA-PSS-params'))) {
    if (field.tag === 0xa0) {
      const oid = readOid(children(expectTag(children(field)[0], TAG.SEQUENCE, 'hashAlgorithm'))[0], 'hash algorithm');
      const known = HASH_OIDS[oid];
      if (!known) throw new CertificateInvalidError(`unsupported RSASSA-PSS hash ${oid}`);
      hash = known;
    } else if (field.tag === 0xa2) {
      saltLength = smallInteger(children(field)[0], 'saltLength');
    }
  }
  return { hash, saltLength };
}

function issuerKeyOf(issuer: X509CertificateInfo | SpkiPublicKey): SpkiPublicKey {
  return 'publicKey' in issuer && 'tbs' in issuer ? issuer.publicKey : (issuer as SpkiPublicKey);
}

/**
 * Check the certificate's signature with the issuer's public key (the issuer certificate, or a public key read by
 * `parseCertificate`): ECDSA P-256/384/521 with SHA-256/384/512, RSASSA-PKCS1-v1_5, RSASSA-PSS, Ed25519, on
 * WebCrypto in every runtime. Resolves false for a wrong signature or a key that does not fit the algorithm; never
 * rejects for bad signatures.
 */
export async function verifyCertificateSignature(cert: X509CertificateInfo, issuer: X509CertificateInfo | SpkiPublicKey): Promise<boolean> {
  try {
    const key = issuerKeyOf(issuer);
    const subtle = subtleCrypto();
    const { oid, parameters } = cert.signatureAlgorithm;
    const data = bufferSource(cert.tbs);
    const jwk = { ...key.jwk, ext: true };
    if (ECDSA[oid]) {
      if (key.kty !== 'EC' || !key.crv || key.crv === 'Ed25519') return false;
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: key.crv }, false, ['verify']);
      const raw = ecdsaDerToRaw(cert.signature, curveSize(key.crv));
      return await subtle.verify({ name: 'ECDSA', hash: ECDSA[oid]! }, cryptoKey, bufferSource(raw), data);
    }
    if (RSA_PKCS1[oid]) {
      if (key.kty !== 'RSA') return false;
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: RSA_PKCS1[oid]! }, false, ['verify']);
      return await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, cryptoKey, bufferSource(cert.signature), data);
    }
    if (oid === RSASSA_PSS) {
      if (key.kty !== 'RSA') return false;
      const { hash, saltLength } = pssParameters(parameters);
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'RSA-PSS', hash }, false, ['verify']);
      return await subtle.verify({ name: 'RSA-PSS', saltLength }, cryptoKey, bufferSource(cert.signature), data);
    }
    if (oid === ED25519) {
      if (key.kty !== 'OKP') return false;
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, cryptoKey, bufferSource(cert.signature), data);
    }
    return false;
  } catch {
    // Malformed signature DER, a key WebCrypto refuses, an unsupported curve: not a valid signature.
    return false;
  }
}
