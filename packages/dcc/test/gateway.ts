/**
 * A development EU DCC Gateway for tests: a trust anchor, per country a CSCA, an UPLOAD certificate and document
 * signers, and the `/trustList` entries the gateway would return for them — each `signature` a detached CMS
 * SignedData over the certificate DER (RFC 5652, ECDSA P-256 / SHA-256 with signed attributes), made by the trust
 * anchor for CSCA / UPLOAD entries and by the country's UPLOAD key for its DSCs, as dgc-gateway and dgc-lib do.
 * The minimal DER writer below builds those messages; the SDK only reads CMS.
 */
import { createSigner, dccKid, parseCertificate, sha256, type KeyPair } from '@divoc/keys';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  type DevelopmentCsca,
  type DocumentSignerCertificate,
} from '../src/index.js';
import { concat } from '../../../test/support/bytes.js';

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  return concat(Uint8Array.from([tag, ...lengthOctets(body.length)]), body);
}

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const arc of rest) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const v = bytes.subarray(start);
  return tlv(0x02, v[0]! & 0x80 ? concat(Uint8Array.of(0), v) : v);
}

const seq = (...p: Uint8Array[]) => tlv(0x30, ...p);
const set = (...p: Uint8Array[]) => tlv(0x31, ...p);
const octets = (b: Uint8Array) => tlv(0x04, b);
const SHA256 = () => seq(oid('2.16.840.1.101.3.4.2.1'));

/** Detached CMS SignedData over `content`, signed with `key` (P-256) for `certificate` (DER); base64. */
export async function cmsSign(content: Uint8Array, certificate: Uint8Array, key: KeyPair): Promise<string> {
  const ski = parseCertificate(certificate).subjectKeyIdentifier;
  if (!ski) throw new Error('the signing certificate needs a subject key identifier');
  const attributes = [
    seq(oid('1.2.840.113549.1.9.3'), set(oid('1.2.840.113549.1.7.1'))),
    seq(oid('1.2.840.113549.1.9.4'), set(octets(sha256(content)))),
  ];
  const signedAttributes = set(...attributes);
  const raw = await createSigner(key, { id: 'cms', algorithm: 'ES256' }).sign(signedAttributes);
  const signature = seq(unsignedInteger(raw.subarray(0, 32)), unsignedInteger(raw.subarray(32)));
  const signerInfo = seq(
    tlv(0x02, Uint8Array.of(3)),
    tlv(0x80, ski),
    SHA256(),
    tlv(0xa0, ...attributes),
    seq(oid('1.2.840.10045.4.3.2')),
    octets(signature),
  );
  const signedData = seq(
    tlv(0x02, Uint8Array.of(3)),
    set(SHA256()),
    seq(oid('1.2.840.113549.1.7.1')),
    tlv(0xa0, certificate),
    set(signerInfo),
  );
  return Buffer.from(seq(oid('1.2.840.113549.1.7.2'), tlv(0xa0, signedData))).toString('base64');
}

export type GatewayCertificateType = 'DSC' | 'CSCA' | 'UPLOAD' | 'AUTHENTICATION';

/** One `/trustList` entry, as the gateway returns it. */
export interface GatewayEntry {
  kid: string;
  timestamp: string;
  country: string;
  certificateType: GatewayCertificateType;
  thumbprint: string;
  signature: string;
  rawData: string;
}

export async function gatewayEntry(
  certificate: Uint8Array,
  type: GatewayCertificateType,
  country: string,
  signer: { certificateDer: Uint8Array; keyPair: KeyPair },
): Promise<GatewayEntry> {
  return {
    kid: dccKid(certificate),
    timestamp: '2021-06-01T10:00:00.000Z',
    country,
    certificateType: type,
    thumbprint: parseCertificate(certificate).sha256Hex.toLowerCase(),
    signature: await cmsSign(certificate, signer.certificateDer, signer.keyPair),
    rawData: Buffer.from(certificate).toString('base64'),
  };
}

export interface GatewayCountry {
  csca: DevelopmentCsca;
  upload: DevelopmentCsca;
  dsc: DocumentSignerCertificate;
}

export interface DevelopmentGateway {
  trustAnchor: DevelopmentCsca;
  countries: Record<string, GatewayCountry>;
  /** The whole `/trustList`: per country its CSCA, UPLOAD and DSC entries. */
  trustList: GatewayEntry[];
}

/** A trust anchor and, per country, a CSCA, an UPLOAD certificate and a DSC, with their signed trust-list entries. */
export async function developmentGateway(
  countryCodes: readonly string[] = ['DE', 'FR'],
  validFrom = new Date('2021-01-01T00:00:00Z'),
): Promise<DevelopmentGateway> {
  const trustAnchor = await createDevelopmentCsca({
    country: 'BE',
    commonName: 'DIVOC test DCC gateway trust anchor',
    validFrom,
  });
  const countries: Record<string, GatewayCountry> = {};
  const trustList: GatewayEntry[] = [];
  for (const country of countryCodes) {
    const csca = await createDevelopmentCsca({ country, commonName: `DIVOC test CSCA ${country}`, validFrom });
    const upload = await createDevelopmentCsca({ country, commonName: `DIVOC test upload ${country}`, validFrom });
    const dsc = await createDevelopmentSigner({ csca, validFrom });
    countries[country] = { csca, upload, dsc };
    trustList.push(
      await gatewayEntry(csca.certificateDer, 'CSCA', country, trustAnchor),
      await gatewayEntry(upload.certificateDer, 'UPLOAD', country, trustAnchor),
      await gatewayEntry(dsc.certificateDer, 'DSC', country, upload),
    );
  }
  return { trustAnchor, countries, trustList };
}
