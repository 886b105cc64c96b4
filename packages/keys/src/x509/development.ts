/**
 * Development certificates: the one place the SDK makes X.509 certificates, for the test and demo PKIs of the
 * formats that sign with one (EU DCC CSCA → document signer, ICAO VDS-NC CSCA → barcode signer). P-256 keys,
 * ECDSA with SHA-256, X.509 v3, DER written directly (no ASN.1 library, no WebCrypto key import). NOT for production:
 * a real CSCA lives in an HSM under its country's certificate policy.
 */
import { base64Encode } from '../codec/base64url.js';
import { sha256 } from '../hash/sha256.js';
import { CertificateInvalidError, KeyInvalidError } from '../lib/errors.js';
import { createSigner } from '../sign/signer.js';
import { secureRandom } from '../sign/webcrypto.js';
import type { KeyPair } from '../key/key-pair.js';
import type { Signer } from '../types.js';
import { EXTENSION, parseCertificate } from './certificate.js';
import { children as derChildren, readNode } from './der.js';
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
  time,
  unsignedInteger,
  utf8String,
} from './der-write.js';

const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COUNTRY_NAME = '2.5.4.6';
const OID_COMMON_NAME = '2.5.4.3';
/** keyUsage BIT STRINGs: keyCertSign + cRLSign (bits 5, 6), digitalSignature (bit 0). */
const CA_KEY_USAGE = bitString(Uint8Array.of(0x06), 1);
const SIGNER_KEY_USAGE = bitString(Uint8Array.of(0x80), 7);

/** The issuing CA of a certificate: its certificate (DER) and its key pair, private key included. */
export interface DevelopmentIssuer {
  certificate: Uint8Array;
  keyPair: KeyPair;
}

/**
 * Options of the development-PKI helpers of `@divoc/dcc` and `@divoc/vdsnc` (`createDevelopmentCsca`,
 * `createDevelopmentSigner`): one shape for both formats, each adding only what its certificates carry.
 */
export interface DevelopmentSubjectOptions {
  /** Subject `C=`, ISO 3166-1 alpha-2 (upper case). Default `IN`. */
  country?: string;
  /** Subject `CN=`. Default a `DIVOC development …` name. */
  commonName?: string;
  /** Start of validity. */
  validFrom?: Date;
  /** End of validity; wins over `validityDays`. */
  validUntil?: Date;
  /** Days of validity from `validFrom`. */
  validityDays?: number;
  /** The P-256 key pair to certify; generated when absent. */
  keyPair?: KeyPair;
}

/** `createDevelopmentSigner`'s options: the CSCA that issues the signer (any package's `DevelopmentCsca` will do). */
export interface DevelopmentSignerSubjectOptions extends DevelopmentSubjectOptions {
  csca: DevelopmentIssuer;
}

/**
 * What the development-PKI helpers return: the certificate, the key pair it certifies, and both as PEM. Keep the
 * private key secret (write it with `writePrivateKeyFile`).
 */
export interface DevelopmentCertified extends DevelopmentIssuer {
  country: string;
  /** DER. */
  certificate: Uint8Array;
  certificatePem: string;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
}

/** A development signer: its certificate and key, and a ready ES256 signer to issue with (`signer`, `certificate`). */
export interface DevelopmentSigned extends DevelopmentCertified {
  signer: Signer;
}

/**
 * Options of a development certificate: its key, subject, issuer, validity and extensions. For tests and demos only.
 */
export interface DevelopmentCertificateOptions {
  /** The P-256 key pair the certificate certifies (for a CA, also the one that signs it). */
  keyPair: KeyPair;
  /** Subject `C=` (ISO 3166-1 alpha-2, upper case) and `CN=`. */
  country: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /**
   * `ca`: a self-signed CSCA (basicConstraints cA with pathLen 0, keyCertSign + cRLSign, subject key identifier).
   * `signer`: a document signer issued by `issuer` (digitalSignature, authority key identifier).
   */
  profile: 'ca' | 'signer';
  /** The CA that issues a `signer` certificate. */
  issuer?: DevelopmentIssuer;
  /** `signer`: write a critical basicConstraints that says it is not a CA (default false). */
  endEntityBasicConstraints?: boolean;
  /** `signer`: write a subject key identifier (default false; a `ca` always has one). */
  subjectKeyIdentifier?: boolean;
  /** `signer`: the extended key usage OIDs (none: no extension) and whether the extension is critical. */
  extendedKeyUsage?: { oids: readonly string[]; critical: boolean };
  /** Further extensions, each from `certificateExtension`, written last. */
  extensions?: readonly Uint8Array[];
}

/** An X.509 v3 extension: `SEQUENCE { extnID, critical (only when true), extnValue OCTET STRING }`. */
export function certificateExtension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/**
 * A development certificate (DER), P-256 / ECDSA-SHA256, as `options.profile` says. Extensions come in this order:
 * basicConstraints, keyUsage, extendedKeyUsage, subjectKeyIdentifier, authorityKeyIdentifier, then `extensions`.
 */
export async function createDevelopmentCertificate(options: DevelopmentCertificateOptions): Promise<Uint8Array> {
  const { keyPair, profile, issuer } = options;
  assertP256Private(keyPair, 'certificate');
  const subject = distinguishedName(options.country, options.commonName);
  const extensions: Uint8Array[] = [];
  if (profile === 'ca') {
    extensions.push(certificateExtension(EXTENSION.basicConstraints, true, sequence(boolean(true), smallInteger(0))));
    extensions.push(certificateExtension(EXTENSION.keyUsage, true, CA_KEY_USAGE));
    extensions.push(certificateExtension(EXTENSION.subjectKeyIdentifier, false, octetString(keyIdentifier(keyPair))));
    const tbs = tbsCertificate(subject, subject, options, [...extensions, ...(options.extensions ?? [])]);
    return signCertificate(keyPair, tbs);
  }
  if (!issuer) throw new KeyInvalidError('a signer certificate needs its issuer (certificate and key pair)');
  assertP256Private(issuer.keyPair, 'issuer');
  if (options.endEntityBasicConstraints === true) {
    extensions.push(certificateExtension(EXTENSION.basicConstraints, true, sequence()));
  }
  extensions.push(certificateExtension(EXTENSION.keyUsage, true, SIGNER_KEY_USAGE));
  const eku = options.extendedKeyUsage;
  if (eku && eku.oids.length > 0) {
    extensions.push(certificateExtension(EXTENSION.extendedKeyUsage, eku.critical, sequence(...eku.oids.map(oid))));
  }
  if (options.subjectKeyIdentifier === true) {
    extensions.push(certificateExtension(EXTENSION.subjectKeyIdentifier, false, octetString(keyIdentifier(keyPair))));
  }
  const aki = sequence(tlv(0x80, authorityKeyIdentifier(issuer)));
  extensions.push(certificateExtension(EXTENSION.authorityKeyIdentifier, false, aki));
  extensions.push(...(options.extensions ?? []));
  const tbs = tbsCertificate(subjectOf(issuer.certificate), subject, options, extensions);
  return signCertificate(issuer.keyPair, tbs);
}

/** PEM of a certificate's DER, 64 characters a line (the form @peculiar/x509 and OpenSSL write, no final newline). */
export function certificatePem(der: Uint8Array): string {
  const body = base64Encode(der).replace(/.{64}(?=.)/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

function assertP256Private(kp: KeyPair, what: string): void {
  if (kp?.type !== 'P-256' || !kp.privateKey) {
    throw new KeyInvalidError(`${what} key must be a P-256 key pair with its private key`);
  }
}

function distinguishedName(country: string, commonName: string): Uint8Array {
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new CertificateInvalidError('country must be an ISO 3166-1 alpha-2 code (upper case)');
  }
  return sequence(
    set(sequence(oid(OID_COUNTRY_NAME), printableString(country))),
    set(sequence(oid(OID_COMMON_NAME), utf8String(commonName))),
  );
}

/** The subject Name of a DER certificate, as raw bytes (so the issuer field matches it exactly). */
function subjectOf(der: Uint8Array): Uint8Array {
  const [tbs] = derChildren(readNode(der).node);
  const fields = derChildren(tbs!);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  return fields[offset + 4]!.raw;
}

function spki(kp: KeyPair): Uint8Array {
  return new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' }));
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(kp: KeyPair): Uint8Array {
  const [, key] = derChildren(readNode(spki(kp)).node);
  return sha256(key!.value.subarray(1)).slice(0, 20);
}

/** RFC 5280 §4.2.1.1: the AKI is the issuer's own SKI (whatever method made it); computed only when it has none. */
function authorityKeyIdentifier(issuer: DevelopmentIssuer): Uint8Array {
  try {
    const ski = parseCertificate(issuer.certificate).subjectKeyIdentifier;
    if (ski) return ski;
  } catch {
    // an unreadable issuer certificate fails later, where it is used; fall back to the computed identifier
  }
  return keyIdentifier(issuer.keyPair);
}

function tbsCertificate(
  issuer: Uint8Array,
  subject: Uint8Array,
  options: DevelopmentCertificateOptions,
  extensions: Uint8Array[],
): Uint8Array {
  const serial = secureRandom(new Uint8Array(16));
  serial[0]! &= 0x7f; // positive
  return sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    sequence(oid(OID_ECDSA_WITH_SHA256)),
    issuer,
    sequence(time(options.notBefore), time(options.notAfter)),
    subject,
    spki(options.keyPair),
    explicit(3, sequence(...extensions)),
  );
}

async function signCertificate(issuerKey: KeyPair, tbs: Uint8Array): Promise<Uint8Array> {
  // ES256 signers give raw r||s; X.509 wants the DER ECDSA-Sig-Value.
  const raw = await createSigner(issuerKey, { id: 'development-ca', algorithm: 'ES256' }).sign(tbs);
  const signature = sequence(unsignedInteger(raw.subarray(0, 32)), unsignedInteger(raw.subarray(32)));
  return sequence(tbs, sequence(oid(OID_ECDSA_WITH_SHA256)), bitString(signature));
}
