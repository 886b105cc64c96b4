import { base64Decode } from '../codec/base64url.js';
import { sha256 } from '../hash/sha256.js';
import { toHex } from '../lib/bytes.js';
import { CertificateInvalidError, KeyError } from '../lib/errors.js';
import { findPemBlock } from '../lib/pem.js';
import {
  TAG,
  bitStringBits,
  bitStringBytes,
  children,
  decodeString,
  decodeTime,
  expectTag,
  readOid,
  readOnly,
  smallInteger,
  type DerNode,
} from './der.js';
import { parseSpki, type SpkiPublicKey } from './spki.js';

/** Largest certificate accepted: real DSC/CSCA certificates are a few KB. */
export const MAX_CERTIFICATE_BYTES = 65_536;

/** Short names of the distinguished-name attributes health-credential PKIs use. */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** OIDs of the extensions this package reads (and `development.ts` writes). */
export const EXTENSION = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extendedKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** One attribute of a distinguished name (`C=IN`). */
export interface DistinguishedNameAttribute {
  /** Dotted OID. */
  oid: string;
  /** Short name (`C`, `CN`, `O`…) when known, else the OID. */
  name: string;
  value: string;
}

/** A certificate's subject or issuer name. */
export interface DistinguishedName {
  /** Attributes in certificate order (RDNs flattened). */
  attributes: DistinguishedNameAttribute[];
  /** `C=DE\nO=…\nCN=…`: one `name=value` per line, in certificate order (the layout node:crypto prints). */
  text: string;
  /** Country (`C`), when present. */
  country?: string;
  /** Common name (`CN`), when present. */
  commonName?: string;
  /** Organisation (`O`), when present. */
  organization?: string;
}

/** One X.509 v3 extension, undecoded. */
export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** extnValue contents (DER). */
  value: Uint8Array;
}

/** An X.509 v1–v3 certificate read without node:crypto: runs the same in Node and browsers. */
export interface X509CertificateInfo {
  der: Uint8Array;
  /** DER of TBSCertificate: the signed bytes. */
  tbs: Uint8Array;
  version: number;
  /** Serial number, upper-case hex of its magnitude. */
  serialNumber: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  publicKey: SpkiPublicKey;
  /** Outer signatureAlgorithm OID and its raw parameters (RSASSA-PSS carries the hash there). */
  signatureAlgorithm: { oid: string; parameters?: Uint8Array };
  signature: Uint8Array;
  extensions: CertificateExtension[];
  /** Extended key usage OIDs; undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** Named key usage bits; undefined when the extension is absent. */
  keyUsage?: string[];
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
  /** Hex SHA-256 of the DER. */
  sha256Hex: string;
}

function fail(message: string, cause?: unknown): never {
  throw new CertificateInvalidError(`certificate: ${message}`, cause === undefined ? undefined : { cause });
}

/** DER bytes from PEM, base64 DER or DER bytes. */
export function certificateDer(input: string | Uint8Array): Uint8Array {
  let der: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > MAX_CERTIFICATE_BYTES * 2) fail('text is too long');
    let body = input;
    if (input.includes('-----BEGIN')) {
      const found = findPemBlock(input);
      if (!found || found.label !== 'CERTIFICATE') fail('malformed PEM certificate');
      body = found.body;
    }
    try {
      der = base64Decode(body);
    } catch (err) {
      fail('neither PEM nor base64 DER', err);
    }
  } else if (input instanceof Uint8Array) der = input;
  else fail('must be PEM / base64 text or DER bytes');
  if (der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) fail('DER has an implausible size');
  return der;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

function readName(node: DerNode, what: string): DistinguishedName {
  const attributes: DistinguishedNameAttribute[] = [];
  for (const rdn of children(expectTag(node, TAG.SEQUENCE, what))) {
    for (const atv of children(expectTag(rdn, TAG.SET, `${what} RDN`))) {
      const [type, value] = children(expectTag(atv, TAG.SEQUENCE, `${what} attribute`));
      const oid = readOid(type, `${what} attribute type`);
      if (!value) fail(`${what} attribute without a value`);
      attributes.push({ oid, name: ATTRIBUTE_NAMES[oid] ?? oid, value: decodeString(value) });
    }
  }
  const first = (name: string) => attributes.find((a) => a.name === name)?.value;
  const country = first('C');
  const commonName = first('CN');
  const organization = first('O');
  return {
    attributes,
    text: attributes.map((a) => `${a.name}=${a.value}`).join('\n'),
    ...(country !== undefined ? { country } : {}),
    ...(commonName !== undefined ? { commonName } : {}),
    ...(organization !== undefined ? { organization } : {}),
  };
}

function readExtensions(node: DerNode): CertificateExtension[] {
  const out: CertificateExtension[] = [];
  const seen = new Set<string>();
  const wrapped = children(node);
  if (wrapped.length !== 1) fail('extensions [3] must hold exactly one SEQUENCE');
  for (const ext of children(expectTag(wrapped[0], TAG.SEQUENCE, 'extensions'))) {
    const parts = children(expectTag(ext, TAG.SEQUENCE, 'extension'));
    const oid = readOid(parts[0], 'extension id');
    let critical = false;
    let valueNode = parts[1];
    if (valueNode?.tag === TAG.BOOLEAN) {
      critical = valueNode.value.length === 1 && valueNode.value[0] !== 0;
      valueNode = parts[2];
    }
    const value = expectTag(valueNode, TAG.OCTET_STRING, `extension ${oid} value`).value;
    if (seen.has(oid)) fail(`duplicate extension ${oid}`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

/**
 * Parse an X.509 certificate (PEM, base64 DER or DER bytes) without node:crypto: names, validity, public key (as a
 * JWK: RSA, EC P-256/P-384/P-521, Ed25519), extensions (EKU, basic constraints, key usage, SKI/AKI; others kept raw),
 * the signed TBS bytes and the signature. Throws `CertificateInvalidError` (`ERR_CERTIFICATE_INVALID`) for malformed
 * input and `KeyUnsupportedError` for a public key type it cannot read. The signature is NOT checked here: see
 * `verifyCertificateSignature`.
 */
export function parseCertificate(input: string | Uint8Array): X509CertificateInfo {
  const der = certificateDer(input);
  try {
    return parseDer(new Uint8Array(der));
  } catch (err) {
    if (err instanceof KeyError) throw err;
    fail(err instanceof Error ? err.message : 'could not be read', err);
  }
}

function parseDer(der: Uint8Array): X509CertificateInfo {
  const [tbsNode, sigAlgNode, sigNode, ...rest] = children(
    expectTag(readOnly(der, 'certificate'), TAG.SEQUENCE, 'certificate'),
  );
  if (rest.length > 0) fail('extra fields after the signature');
  const tbsParts = children(expectTag(tbsNode, TAG.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.tag === 0xa0) {
    version = smallInteger(children(tbsParts[0])[0], 'version') + 1;
    i++;
  }
  const serial = expectTag(tbsParts[i++], TAG.INTEGER, 'serialNumber').value;
  // X.690 8.3.2: minimal two's complement, so one serial number has one encoding.
  if (
    serial.length === 0 ||
    (serial.length > 1 && ((serial[0] === 0 && serial[1]! < 0x80) || (serial[0] === 0xff && serial[1]! >= 0x80)))
  ) {
    fail('serialNumber is not a minimal DER INTEGER');
  }
  const tbsSignatureAlgorithm = expectTag(tbsParts[i++], TAG.SEQUENCE, 'TBS signature algorithm');
  const issuer = readName(tbsParts[i++]!, 'issuer');
  const [notBeforeNode, notAfterNode] = children(expectTag(tbsParts[i++], TAG.SEQUENCE, 'validity'));
  const notBefore = decodeTime(notBeforeNode, 'notBefore');
  const notAfter = decodeTime(notAfterNode, 'notAfter');
  const subject = readName(tbsParts[i++]!, 'subject');
  const publicKey = parseSpki(expectTag(tbsParts[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo'));
  let extensions: CertificateExtension[] = [];
  // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING, so primitive), then extensions [3]: each at
  // most once, in that order. A constructed [1] / [2] is not DER, and accepting one would let a re-tagged
  // extensions block pass as a unique ID with its extensions unread.
  let last = 0;
  for (; i < tbsParts.length; i++) {
    const part = tbsParts[i]!;
    const order = part.tag === 0x81 ? 1 : part.tag === 0x82 ? 2 : part.tag === 0xa3 ? 3 : 0;
    if (order <= last) fail(`unexpected TBSCertificate field 0x${part.tag.toString(16)}`);
    last = order;
    if (part.tag === 0xa3) extensions = readExtensions(part);
    else if (part.value.length === 0 || part.value[0]! > 7 || (part.value.length === 1 && part.value[0] !== 0))
      fail('malformed unique identifier BIT STRING');
  }
  const [sigOid, sigParams] = children(expectTag(sigAlgNode, TAG.SEQUENCE, 'signatureAlgorithm'));
  // RFC 5280 §4.1.1.2: the signed copy of the algorithm MUST be the outer one (else the signed bytes name another).
  if (!sameBytes(tbsSignatureAlgorithm.raw, sigAlgNode!.raw))
    fail('signatureAlgorithm differs from the TBSCertificate signature field');
  const signatureAlgorithm: X509CertificateInfo['signatureAlgorithm'] = { oid: readOid(sigOid, 'signatureAlgorithm') };
  if (sigParams && sigParams.tag !== TAG.NULL) signatureAlgorithm.parameters = new Uint8Array(sigParams.raw);
  const signature = new Uint8Array(bitStringBytes(sigNode, 'signature'));

  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start++;
  const info: X509CertificateInfo = {
    der,
    tbs: tbsNode!.raw,
    version,
    serialNumber: toHex(serial.subarray(start)).toUpperCase(),
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    signatureAlgorithm,
    signature,
    extensions,
    sha256Hex: toHex(sha256(der)),
  };
  for (const ext of extensions) readKnownExtension(ext, info);
  return info;
}

function readKnownExtension(ext: CertificateExtension, info: X509CertificateInfo): void {
  switch (ext.oid) {
    case EXTENSION.extendedKeyUsage:
      info.extendedKeyUsage = children(
        expectTag(readOnly(ext.value, 'extendedKeyUsage'), TAG.SEQUENCE, 'extendedKeyUsage'),
      ).map((n) => readOid(n, 'extendedKeyUsage'));
      break;
    case EXTENSION.basicConstraints: {
      const parts = children(expectTag(readOnly(ext.value, 'basicConstraints'), TAG.SEQUENCE, 'basicConstraints'));
      let ca = false;
      let k = 0;
      if (parts[0]?.tag === TAG.BOOLEAN) {
        if (parts[0].value.length !== 1) fail('basicConstraints cA is not a one-octet BOOLEAN');
        ca = parts[0].value[0] !== 0;
        k++;
      }
      const pathLength = parts[k] ? smallInteger(parts[k], 'pathLenConstraint') : undefined;
      info.basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
      break;
    }
    case EXTENSION.keyUsage:
      info.keyUsage = bitStringBits(readOnly(ext.value, 'keyUsage'), 'keyUsage').map(
        (b) => KEY_USAGE_NAMES[b] ?? `bit${b}`,
      );
      break;
    case EXTENSION.subjectKeyIdentifier:
      info.subjectKeyIdentifier = new Uint8Array(
        expectTag(readOnly(ext.value, 'subjectKeyIdentifier'), TAG.OCTET_STRING, 'subjectKeyIdentifier').value,
      );
      break;
    case EXTENSION.authorityKeyIdentifier: {
      const keyId = children(
        expectTag(readOnly(ext.value, 'authorityKeyIdentifier'), TAG.SEQUENCE, 'authorityKeyIdentifier'),
      ).find((n) => n.tag === 0x80);
      if (keyId) info.authorityKeyIdentifier = new Uint8Array(keyId.value);
      break;
    }
    default:
      break;
  }
}
