import { X509Certificate, type KeyObject } from 'node:crypto';
import { children, decodeOid, DerError, readNode, type DerNode } from '../lib/der.js';
import { VdsncCertificateInvalidError } from '../lib/errors.js';
import { OID_DOCUMENT_TYPE_LIST, OID_EXTENDED_KEY_USAGE } from './oids.js';

/** Real signer certificates are under 2 KB; CSCA certificates a few KB. */
export const MAX_CERTIFICATE_BYTES = 16_384;

export interface CertificateInfo {
  der: Uint8Array;
  x509: X509Certificate;
  publicKey: KeyObject;
  validFrom: Date;
  validUntil: Date;
  /** Subject country (`C=`), alpha-2 as X.509 writes it, when present. */
  country?: string;
  /** Extended key usage OIDs; undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  /** Document types from the ICAO document type list extension; undefined when absent. */
  documentTypes?: string[];
}

/** Parse a DER certificate (bounded) and the extensions VDS-NC cares about. Throws `VdsncCertificateInvalidError`. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) {
    throw new VdsncCertificateInvalidError('certificate DER is missing or implausibly large');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  } catch (err) {
    throw new VdsncCertificateInvalidError('not a DER X.509 certificate', { cause: err });
  }
  const validFrom = new Date(x509.validFrom);
  const validUntil = new Date(x509.validTo);
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validUntil.getTime())) {
    throw new VdsncCertificateInvalidError('certificate validity could not be read');
  }
  let extensions: Map<string, Uint8Array>;
  try {
    extensions = readExtensions(der);
  } catch (err) {
    throw new VdsncCertificateInvalidError(`certificate extensions could not be read: ${err instanceof Error ? err.message : 'bad DER'}`, { cause: err });
  }
  const info: CertificateInfo = { der: new Uint8Array(der), x509, publicKey: x509.publicKey, validFrom, validUntil };
  const country = /^C=(.*)$/m.exec(x509.subject)?.[1];
  if (country !== undefined) info.country = country;
  try {
    const eku = extensions.get(OID_EXTENDED_KEY_USAGE);
    if (eku) info.extendedKeyUsage = children(readNode(eku).node).map((n) => expectTag(n, 0x06, 'EKU OID') && decodeOid(n.value));
    const docTypes = extensions.get(OID_DOCUMENT_TYPE_LIST);
    if (docTypes) {
      const [version, list] = children(readNode(docTypes).node);
      if (!version || !list) throw new DerError('document type list needs a version and a SET');
      expectTag(list, 0x31, 'document type SET');
      info.documentTypes = children(list).map((n) => {
        if (n.tag !== 0x13 && n.tag !== 0x0c) throw new DerError('document type must be a PrintableString');
        return new TextDecoder().decode(n.value);
      });
    }
  } catch (err) {
    throw new VdsncCertificateInvalidError(`malformed certificate extension: ${err instanceof Error ? err.message : 'bad DER'}`, { cause: err });
  }
  return info;
}

function expectTag(node: DerNode, tag: number, what: string): true {
  if (node.tag !== tag) throw new DerError(`${what}: unexpected DER tag 0x${node.tag.toString(16)}`);
  return true;
}

/** OID → extnValue contents of the certificate's v3 extensions. */
function readExtensions(der: Uint8Array): Map<string, Uint8Array> {
  const { node: certificate, next } = readNode(der);
  if (next !== der.length) throw new DerError('trailing bytes after the certificate');
  const [tbs] = children(certificate);
  if (!tbs) throw new DerError('no TBSCertificate');
  const out = new Map<string, Uint8Array>();
  const wrapper = children(tbs).find((n) => n.tag === 0xa3);
  if (!wrapper) return out;
  const [list] = children(wrapper);
  if (!list) return out;
  for (const extension of children(list)) {
    const parts = children(extension);
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (!id || !value || id.tag !== 0x06 || value.tag !== 0x04) throw new DerError('malformed extension');
    const name = decodeOid(id.value);
    if (out.has(name)) throw new DerError(`duplicate extension ${name}`);
    out.set(name, value.value);
  }
  return out;
}
