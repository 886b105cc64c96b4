import type { KeyObject, X509Certificate } from 'node:crypto';
import {
  derChildren,
  expectDerTag,
  parseCertificate as parseX509,
  readDerNode,
  type X509CertificateInfo,
} from '@divoc/keys';
import { VdsncCertificateInvalidError } from '../lib/errors.js';
import { OID_DOCUMENT_TYPE_LIST } from './oids.js';

/** Real signer certificates are under 2 KB; CSCA certificates a few KB. */
export const MAX_CERTIFICATE_BYTES = 16_384;

/** A barcode signer or CSCA certificate: its DER bytes, the parsed certificate and its public key. */
export interface CertificateInfo {
  der: Uint8Array;
  /** The certificate as read by @divoc/keys' runtime-neutral X.509 parser (Node and browsers). */
  certificate: X509CertificateInfo;
  /** Public key of the certificate as a JWK. */
  publicKeyJwk: JsonWebKey;
  /**
   * @deprecated Node only (built lazily from node:crypto on first access, throws elsewhere); use `certificate`.
   */
  readonly x509: X509Certificate;
  /** @deprecated Node only (lazily built from node:crypto); use `publicKeyJwk`. */
  readonly publicKey: KeyObject;
  validFrom: Date;
  validUntil: Date;
  /** Subject country (`C=`), alpha-2 as X.509 writes it, when present. */
  country?: string;
  /** Extended key usage OIDs; undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  /** Document types from the ICAO document type list extension; undefined when absent. */
  documentTypes?: string[];
}

/** node:crypto where the runtime has it, found without a static import (so browser bundles never see one). */
function nodeCrypto(): typeof import('node:crypto') {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const mod = get?.('node:crypto') as typeof import('node:crypto') | undefined;
  if (!mod)
    throw new VdsncCertificateInvalidError(
      'x509 / publicKey need node:crypto (Node ≥ 20.16); use certificate / publicKeyJwk',
    );
  return mod;
}

/** Parse a DER certificate (bounded) and the extensions VDS-NC cares about. Throws `VdsncCertificateInvalidError`. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) {
    throw new VdsncCertificateInvalidError('certificate DER is missing or implausibly large');
  }
  let certificate: X509CertificateInfo;
  try {
    certificate = parseX509(der);
  } catch (err) {
    throw new VdsncCertificateInvalidError(
      `not a DER X.509 certificate: ${err instanceof Error ? err.message : 'unreadable'}`,
      { cause: err },
    );
  }
  const copy = new Uint8Array(der);
  let x509: X509Certificate | undefined;
  let publicKey: KeyObject | undefined;
  const info = {
    der: copy,
    certificate,
    publicKeyJwk: certificate.publicKey.jwk,
    validFrom: certificate.notBefore,
    validUntil: certificate.notAfter,
  } as CertificateInfo;
  Object.defineProperties(info, {
    x509: { enumerable: false, get: () => (x509 ??= new (nodeCrypto().X509Certificate)(copy)) },
    publicKey: {
      enumerable: false,
      get: () =>
        (publicKey ??= nodeCrypto().createPublicKey({
          key: certificate.publicKey.jwk as import('node:crypto').JsonWebKey,
          format: 'jwk',
        })),
    },
  });
  if (certificate.subject.country !== undefined) info.country = certificate.subject.country;
  if (certificate.extendedKeyUsage) info.extendedKeyUsage = [...certificate.extendedKeyUsage];
  try {
    const docTypes = certificate.extensions.find((e) => e.oid === OID_DOCUMENT_TYPE_LIST)?.value;
    if (docTypes) {
      const [version, list] = derChildren(readDerNode(docTypes).node);
      if (!version || !list) throw new Error('document type list needs a version and a SET');
      expectDerTag(list, 0x31, 'document type SET');
      info.documentTypes = derChildren(list).map((n) => {
        if (n.tag !== 0x13 && n.tag !== 0x0c) throw new Error('document type must be a PrintableString');
        return new TextDecoder().decode(n.value);
      });
    }
  } catch (err) {
    throw new VdsncCertificateInvalidError(
      `malformed certificate extension: ${err instanceof Error ? err.message : 'bad DER'}`,
      { cause: err },
    );
  }
  return info;
}
