import { createSigner, derChildren, generateKeyPair, parseCertificate, readDerNode, sha256, type KeyPair } from '@divoc/keys';
import {
  bitString,
  boolean,
  explicit,
  octetString,
  oid,
  printableString,
  sequence,
  set,
  smallInteger,
  tlv,
  unsignedInteger,
  utf8String,
  time,
} from '../lib/der-write.js';
import { VdsncIssueError } from '../lib/errors.js';
import {
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_BASIC_CONSTRAINTS,
  OID_COMMON_NAME,
  OID_COUNTRY_NAME,
  OID_DOCUMENT_TYPE_LIST,
  OID_ECDSA_WITH_SHA256,
  OID_EKU_VDSNC_SIGNER,
  OID_EXTENDED_KEY_USAGE,
  OID_KEY_USAGE,
  OID_SUBJECT_KEY_IDENTIFIER,
} from './oids.js';

/** A certificate and the key pair it certifies (the private key stays in memory; write it with `writePrivateKeyFile`). */
export interface DevCertificate {
  /** DER. */
  certificate: Uint8Array;
  keyPair: KeyPair;
}

export interface DevCscaOptions {
  /** Alpha-2 country for the subject `C=`. Default `IN`. */
  country?: string;
  commonName?: string;
  validFrom?: Date;
  validUntil?: Date;
  /** P-256 CSCA key; generated when absent. */
  keyPair?: KeyPair;
}

export interface DevSignerOptions {
  /** The CSCA that signs the signer certificate. */
  csca: DevCertificate;
  country?: string;
  commonName?: string;
  validFrom?: Date;
  validUntil?: Date;
  /** Document types for the ICAO document type list (`NV` vaccination, `NT` testing). Default both; `[]` omits the extension. */
  documentTypes?: readonly string[];
  /** Extended key usage OIDs. Default the VDS-NC signer OID; `[]` omits the extension. */
  extendedKeyUsage?: readonly string[];
  /** P-256 signer key; generated when absent. */
  keyPair?: KeyPair;
}

const DAY = 86_400_000;

/**
 * A self-signed P-256 CSCA certificate for tests and demos. NOT for production: real CSCAs are national roots
 * distributed through the ICAO PKD / master lists.
 */
export async function createDevCsca(options: DevCscaOptions = {}): Promise<DevCertificate> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(keyPair, 'CSCA');
  const name = distinguishedName(options.country ?? 'IN', options.commonName ?? 'DIVOC Dev CSCA');
  const ski = keyIdentifier(keyPair);
  const from = options.validFrom ?? new Date(Date.now() - DAY);
  const until = options.validUntil ?? new Date(from.getTime() + 3650 * DAY);
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, sequence(boolean(true), smallInteger(0))),
    extension(OID_KEY_USAGE, true, bitString(Uint8Array.of(0x06), 1)), // keyCertSign, cRLSign
    extension(OID_SUBJECT_KEY_IDENTIFIER, false, octetString(ski)),
  ];
  const certificate = await signCertificate(keyPair, tbsCertificate(name, name, from, until, keyPair, extensions));
  return { certificate, keyPair };
}

/** A P-256 barcode signer certificate issued by `csca`, with the VDS-NC EKU and document type list. */
export async function createDevSignerCertificate(options: DevSignerOptions): Promise<DevCertificate> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(options.csca.keyPair, 'CSCA');
  const cscaName = subjectOf(options.csca.certificate);
  const name = distinguishedName(options.country ?? 'IN', options.commonName ?? 'DIVOC Dev VDS-NC Signer');
  const from = options.validFrom ?? new Date(Date.now() - DAY);
  const until = options.validUntil ?? new Date(from.getTime() + 365 * DAY);
  const documentTypes = options.documentTypes ?? ['NV', 'NT'];
  const eku = options.extendedKeyUsage ?? [OID_EKU_VDSNC_SIGNER];
  const extensions = [
    extension(OID_AUTHORITY_KEY_IDENTIFIER, false, sequence(tlv(0x80, authorityKeyIdentifier(options.csca.certificate, options.csca.keyPair)))),
    extension(OID_KEY_USAGE, true, bitString(Uint8Array.of(0x80), 7)), // digitalSignature
  ];
  if (eku.length > 0) extensions.push(extension(OID_EXTENDED_KEY_USAGE, true, sequence(...eku.map(oid))));
  if (documentTypes.length > 0) {
    extensions.push(extension(OID_DOCUMENT_TYPE_LIST, false, sequence(smallInteger(0), set(...documentTypes.map(printableString)))));
  }
  const certificate = await signCertificate(options.csca.keyPair, tbsCertificate(cscaName, name, from, until, keyPair, extensions));
  return { certificate, keyPair };
}

function assertP256Private(kp: KeyPair, what: string): void {
  if (kp?.type !== 'P-256' || !kp.privateKey) throw new VdsncIssueError(`${what} key must be a P-256 key pair with its private key`);
}

function distinguishedName(country: string, commonName: string): Uint8Array {
  if (!/^[A-Z]{2}$/.test(country)) throw new VdsncIssueError('country must be an ISO 3166 alpha-2 code');
  return sequence(
    set(sequence(oid(OID_COUNTRY_NAME), printableString(country))),
    set(sequence(oid(OID_COMMON_NAME), utf8String(commonName))),
  );
}

/** The subject Name of a DER certificate, as raw bytes (so the issuer field matches it exactly). */
function subjectOf(der: Uint8Array): Uint8Array {
  const [tbs] = derChildren(readDerNode(der).node);
  const fields = derChildren(tbs!);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  return fields[offset + 4]!.raw;
}

function spki(kp: KeyPair): Uint8Array {
  return new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' }));
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(kp: KeyPair): Uint8Array {
  const [, key] = derChildren(readDerNode(spki(kp)).node);
  return sha256(key!.value.subarray(1)).slice(0, 20);
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** RFC 5280 §4.2.1.1: the AKI is the issuer's own SKI (whatever method made it); computed only when it has none. */
function authorityKeyIdentifier(issuerCertificate: Uint8Array, issuerKey: KeyPair): Uint8Array {
  try {
    const ski = parseCertificate(issuerCertificate).subjectKeyIdentifier;
    if (ski) return ski;
  } catch {
    // an unreadable issuer certificate fails later, where it is used; fall back to the computed identifier
  }
  return keyIdentifier(issuerKey);
}

function tbsCertificate(issuer: Uint8Array, subject: Uint8Array, from: Date, until: Date, kp: KeyPair, extensions: Uint8Array[]): Uint8Array {
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(12));
  serial[0]! &= 0x7f;
  return sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    sequence(oid(OID_ECDSA_WITH_SHA256)),
    issuer,
    sequence(time(from), time(until)),
    subject,
    spki(kp),
    explicit(3, sequence(...extensions)),
  );
}

async function signCertificate(issuerKey: KeyPair, tbs: Uint8Array): Promise<Uint8Array> {
  // ES256 signers give raw r||s; X.509 wants the DER ECDSA-Sig-Value.
  const raw = await createSigner(issuerKey, { id: 'dev-csca', algorithm: 'ES256' }).sign(tbs);
  const signature = sequence(unsignedInteger(raw.subarray(0, 32)), unsignedInteger(raw.subarray(32)));
  return sequence(tbs, sequence(oid(OID_ECDSA_WITH_SHA256)), bitString(signature));
}
