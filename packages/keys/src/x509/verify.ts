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
  for (const field of children(
    expectTag(readOnly(parameters, 'RSASSA-PSS-params'), TAG.SEQUENCE, 'RSASSA-PSS-params'),
  )) {
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
 * Check a signature made with the key of `issuer` (a certificate, or a public key read by `parseCertificate`) under
 * an X.509 / CMS signature algorithm (OID and raw parameters): ECDSA P-256/384/521 with SHA-256/384/512,
 * RSASSA-PKCS1-v1_5, RSASSA-PSS, Ed25519, on WebCrypto in every runtime. Resolves false for a wrong signature, an
 * unsupported algorithm or a key that does not fit it. Rejects only with `PlatformUnsupportedError` when the runtime
 * has no `crypto.subtle`: that checked nothing, so it is not a wrong signature.
 */
export async function verifyWithPublicKey(
  issuer: X509CertificateInfo | SpkiPublicKey,
  algorithm: { oid: string; parameters?: Uint8Array },
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const subtle = subtleCrypto();
  try {
    const key = issuerKeyOf(issuer);
    const { oid, parameters } = algorithm;
    const signed = bufferSource(data);
    const jwk = { ...key.jwk, ext: true };
    if (ECDSA[oid]) {
      if (key.kty !== 'EC' || !key.crv || key.crv === 'Ed25519') return false;
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: key.crv }, false, ['verify']);
      const raw = ecdsaDerToRaw(signature, curveSize(key.crv));
      return await subtle.verify({ name: 'ECDSA', hash: ECDSA[oid]! }, cryptoKey, bufferSource(raw), signed);
    }
    if (RSA_PKCS1[oid]) {
      if (key.kty !== 'RSA') return false;
      const cryptoKey = await subtle.importKey(
        'jwk',
        jwk,
        { name: 'RSASSA-PKCS1-v1_5', hash: RSA_PKCS1[oid]! },
        false,
        ['verify'],
      );
      return await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, cryptoKey, bufferSource(signature), signed);
    }
    if (oid === RSASSA_PSS) {
      if (key.kty !== 'RSA') return false;
      const { hash, saltLength } = pssParameters(parameters);
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'RSA-PSS', hash }, false, ['verify']);
      return await subtle.verify({ name: 'RSA-PSS', saltLength }, cryptoKey, bufferSource(signature), signed);
    }
    if (oid === ED25519) {
      if (key.kty !== 'OKP') return false;
      const cryptoKey = await subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, cryptoKey, bufferSource(signature), signed);
    }
    return false;
  } catch {
    // Malformed signature DER, a key WebCrypto refuses, an unsupported curve: not a valid signature.
    return false;
  }
}

/**
 * Check the certificate's signature with the issuer's public key (the issuer certificate, or a public key read by
 * `parseCertificate`): ECDSA P-256/384/521 with SHA-256/384/512, RSASSA-PKCS1-v1_5, RSASSA-PSS, Ed25519, on
 * WebCrypto in every runtime. Resolves false for a wrong signature or a key that does not fit the algorithm; never
 * rejects for bad signatures.
 */
export async function verifyCertificateSignature(
  cert: X509CertificateInfo,
  issuer: X509CertificateInfo | SpkiPublicKey,
): Promise<boolean> {
  return verifyWithPublicKey(issuer, cert.signatureAlgorithm, cert.tbs, cert.signature);
}

/** RFC 5280 §7.1 name matching, simplified: same attributes in the same order, case- and space-insensitive values. */
export function sameDistinguishedName(a: X509CertificateInfo['subject'], b: X509CertificateInfo['subject']): boolean {
  return sameName(a.attributes, b.attributes);
}

function sameName(
  a: X509CertificateInfo['subject']['attributes'],
  b: X509CertificateInfo['subject']['attributes'],
): boolean {
  const norm = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.length === b.length && a.every((x, i) => x.oid === b[i]!.oid && norm(x.value) === norm(b[i]!.value));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * `issuer` is a CA allowed to sign certificates, names `cert`'s issuer (and key identifier, when both say), and its
 * key verifies the certificate's signature (WebCrypto, so the same in Node and browsers). One link of a chain:
 * validity windows and names beyond the issuer's are the caller's to check.
 */
export async function isIssuedBy(cert: X509CertificateInfo, issuer: X509CertificateInfo): Promise<boolean> {
  if (!issuer.basicConstraints?.ca) return false;
  if (issuer.keyUsage && !issuer.keyUsage.includes('keyCertSign')) return false;
  if (!sameName(cert.issuer.attributes, issuer.subject.attributes)) return false;
  if (
    cert.authorityKeyIdentifier &&
    issuer.subjectKeyIdentifier &&
    !sameBytes(cert.authorityKeyIdentifier, issuer.subjectKeyIdentifier)
  )
    return false;
  return verifyCertificateSignature(cert, issuer).catch(() => false);
}
