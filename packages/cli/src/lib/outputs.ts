/**
 * The formats `divoc issue --format` writes, and how each is made from one built credential. Kept apart from the
 * command so the demo and tests can reuse it.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { issueDcc, isDccError } from '@divoc/dcc';
import { exportPublicJwk, type Signer } from '@divoc/keys';
import { encodeDivocQr, renderQr } from '@divoc/qr';
import { createHealthCardFile, issueShc } from '@divoc/shc';
import { encodeCompactCredential, type SignedCredential, type SuiteName } from '@divoc/vc';
import { encodeVdsnc, issueVdsnc, OID_EKU_VDSNC_SIGNER, parseSignerCertificate } from '@divoc/vdsnc';
import type { CredentialIssuer } from './engine.js';
import { describeError, errorCode } from './errors.js';
import { VC_COMPACT_FORMAT } from './formats/index.js';
import { signerFor, type LoadedKey } from './keyfile.js';

/** `--format` values, in the order files are made. */
export const OUTPUT_FORMATS = ['vc', 'divoc-qr', 'vc-compact', 'dcc', 'shc', 'vdsnc'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Accepted spellings: `json` (the old only value) and `w3c-vc` mean `vc`. */
export const OUTPUT_FORMAT_ALIASES: Readonly<Record<string, OutputFormat>> = {
  vc: 'vc',
  json: 'vc',
  'w3c-vc': 'vc',
  'divoc-qr': 'divoc-qr',
  [VC_COMPACT_FORMAT]: 'vc-compact',
  dcc: 'dcc',
  shc: 'shc',
  vdsnc: 'vdsnc',
};

/** Name of each output format in index.ndjson and in `divoc verify` reports. */
export const REPORTED_FORMAT: Readonly<Record<OutputFormat, string>> = {
  vc: 'w3c-vc',
  'divoc-qr': 'divoc-qr',
  'vc-compact': VC_COMPACT_FORMAT,
  dcc: 'dcc',
  shc: 'shc',
  vdsnc: 'vdsnc',
};

/** Formats made from the signed W3C VC (need `--key`). */
export const VC_BASED: ReadonlySet<OutputFormat> = new Set(['vc', 'divoc-qr', 'vc-compact']);

/** The file whose presence means "this format was issued for this certificate" (reruns skip it). */
export function mainFileName(format: OutputFormat, certificateId: string): string {
  switch (format) {
    case 'vc':
      return `${certificateId}.json`;
    case 'divoc-qr':
      return `${certificateId}.divoc-qr.txt`;
    case 'vc-compact':
      return `${certificateId}.vc-compact.txt`;
    case 'dcc':
      return `${certificateId}.dcc.txt`;
    case 'shc':
      return `${certificateId}.smart-health-card`;
    case 'vdsnc':
      return `${certificateId}.vdsnc.json`;
  }
}

/** Parses `--format` values: repeatable and comma-separated. Returns undefined names for the usage error. */
export function parseOutputFormats(values: readonly string[]): { formats: OutputFormat[]; unknown: string[] } {
  const formats = new Set<OutputFormat>();
  const unknown: string[] = [];
  for (const value of values.length === 0 ? ['vc'] : values) {
    for (const part of value.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      const format = Object.prototype.hasOwnProperty.call(OUTPUT_FORMAT_ALIASES, name) ? OUTPUT_FORMAT_ALIASES[name] : undefined;
      if (format === undefined) unknown.push(name);
      else formats.add(format);
    }
  }
  return { formats: OUTPUT_FORMATS.filter((f) => formats.has(f)), unknown };
}

/** A P-256 signing key and the X.509 certificate that certifies it (DCC DSC, VDS-NC barcode signer). */
export interface CertifiedKey {
  key: LoadedKey;
  signer: Signer;
  certificatePem: string;
  certificateDer: Uint8Array;
  /** `C=` of the certificate subject. */
  country: string | undefined;
  extendedKeyUsage: readonly string[];
}

/** Parses a certificate (PEM, DER, base64 DER) and checks it certifies `key`. Throws Error with a plain message. */
export function certifiedKey(key: LoadedKey, certificate: Uint8Array): CertifiedKey {
  if (key.keyPair.type !== 'P-256') throw new Error(`the key is ${key.keyPair.type}; DCC and VDS-NC signers use P-256 (ES256)`);
  const text = Buffer.from(certificate).toString('utf8').trim();
  let x509: X509Certificate;
  try {
    x509 =
      certificate[0] === 0x30
        ? new X509Certificate(Buffer.from(certificate))
        : text.startsWith('-----BEGIN CERTIFICATE-----')
          ? new X509Certificate(text)
          : new X509Certificate(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  } catch (error) {
    throw new Error(`not an X.509 certificate (PEM, DER or base64 DER): ${describeError(error)}`);
  }
  const certJwk = x509.publicKey.export({ format: 'jwk' });
  const keyJwk = exportPublicJwk(key.keyPair) as JsonWebKey;
  if (certJwk.kty !== 'EC' || certJwk.crv !== 'P-256' || certJwk.x !== keyJwk.x || certJwk.y !== keyJwk.y) {
    throw new Error('the certificate does not certify this key (public keys differ)');
  }
  const der = new Uint8Array(x509.raw);
  let extendedKeyUsage: string[] = [];
  try {
    extendedKeyUsage = parseSignerCertificate(der).extendedKeyUsage ?? [];
  } catch {
    extendedKeyUsage = [];
  }
  const country = /^C=([A-Z]{2})$/m.exec(x509.subject)?.[1];
  return {
    key,
    signer: signerFor(key, { id: key.id, algorithm: 'ES256' }),
    certificatePem: x509.toString(),
    certificateDer: der,
    country,
    extendedKeyUsage,
  };
}

export function hasVdsncUsage(cert: CertifiedKey): boolean {
  return cert.extendedKeyUsage.includes(OID_EKU_VDSNC_SIGNER);
}

/** Everything needed to make the requested formats; which fields are set follows from the formats. */
export interface IssueMaterial {
  vc?: CredentialIssuer;
  /** The same key as `vc`, as @divoc/issuer takes it. */
  vcKey?: { signer: Signer; suite: SuiteName };
  dsc?: CertifiedKey;
  /** VDS-NC barcode signer (the DSC when it carries the VDS-NC extended key usage). */
  bsc?: CertifiedKey;
  shc?: { signer: Signer; key: LoadedKey; issuer: string };
  qr?: 'png' | 'svg';
}

/** One file to write. `main` marks the file whose existence means the format is done. */
export interface Artefact {
  format: OutputFormat;
  name: string;
  contents: string | Uint8Array;
  main: boolean;
}

export class FormatIssueError extends Error {
  readonly format: OutputFormat;
  readonly code: string | undefined;
  constructor(format: OutputFormat, error: unknown) {
    super(describeError(error));
    this.name = 'FormatIssueError';
    this.format = format;
    this.code = errorCode(error);
  }
}

function qrImages(format: OutputFormat, certificateId: string, texts: readonly string[], kind: 'png' | 'svg' | undefined): Artefact[] {
  if (kind === undefined) return [];
  return texts.map((text, i) => ({
    format,
    name: `${certificateId}.${format}${texts.length > 1 ? `-${i + 1}` : ''}.${kind}`,
    contents: kind === 'png' ? renderQr(text, { format: 'png' }) : renderQr(text, { format: 'svg' }),
    main: false,
  }));
}

/** ICAO VDS-NC limits the UVCI / UTCI to 12 characters. */
export const VDSNC_MAX_ID = 12;

/**
 * The id a VDS-NC seal carries for a certificate: the certificateId itself when it fits in 12 characters (DIVOC's
 * numeric ids do), else 12 characters [0-9A-Z] from its SHA-256 (62 bits: collisions become likely only around
 * two billion certificates). Deterministic, so reissuing gives the same id.
 */
export function vdsncCertificateId(certificateId: string): string {
  if (certificateId.length <= VDSNC_MAX_ID) return certificateId;
  let n = BigInt(`0x${createHash('sha256').update(certificateId, 'utf8').digest('hex')}`);
  let out = '';
  for (let i = 0; i < VDSNC_MAX_ID; i++) {
    out += '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Number(n % 36n)];
    n /= 36n;
  }
  return out;
}

function withShortCertificateId(credential: Record<string, unknown>): Record<string, unknown> {
  const evidence = credential.evidence;
  const list = Array.isArray(evidence) ? evidence : evidence === undefined ? [] : [evidence];
  const first = list[0] as Record<string, unknown> | undefined;
  if (!first || typeof first.certificateId !== 'string' || first.certificateId.length <= VDSNC_MAX_ID) return credential;
  const short = { ...first, certificateId: vdsncCertificateId(first.certificateId) };
  return { ...credential, evidence: Array.isArray(evidence) ? [short, ...list.slice(1)] : short };
}

async function attempt<T>(format: OutputFormat, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new FormatIssueError(format, error);
  }
}

/**
 * Makes the files of `formats` for one credential. `signedVc` is an already-issued W3C VC to reuse (from an earlier
 * run); otherwise the VC is signed here when a VC-based format needs it. Throws FormatIssueError.
 */
export async function makeArtefacts(
  formats: readonly OutputFormat[],
  certificateId: string,
  credential: Record<string, unknown>,
  material: IssueMaterial,
  signedVc?: SignedCredential,
): Promise<{ artefacts: Artefact[]; signedVc?: SignedCredential }> {
  const artefacts: Artefact[] = [];
  let signed = signedVc;
  const needVc = formats.some((f) => VC_BASED.has(f));
  if (needVc && signed === undefined) {
    const issuer = material.vc;
    if (!issuer) throw new FormatIssueError('vc', new Error('no --key to sign the W3C VC'));
    signed = await attempt('vc', () => issuer.issue(credential));
  }
  for (const format of formats) {
    switch (format) {
      case 'vc':
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: `${JSON.stringify(signed, null, 2)}\n`, main: true });
        break;
      case 'divoc-qr': {
        const text = await attempt(format, () => encodeDivocQr(signed as SignedCredential));
        artefacts.push(...qrImages(format, certificateId, [text], material.qr));
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: text, main: true });
        break;
      }
      case 'vc-compact': {
        const text = await attempt(format, () => encodeCompactCredential(signed as SignedCredential));
        artefacts.push(...qrImages(format, certificateId, [text], material.qr));
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: `${text}\n`, main: true });
        break;
      }
      case 'dcc': {
        const dsc = material.dsc;
        if (!dsc) throw new FormatIssueError(format, new Error('no --dsc-key / --dsc-cert'));
        const options = { signer: dsc.signer, certificate: dsc.certificateDer };
        const issued = await attempt(format, async () => {
          try {
            return await issueDcc(credential, options);
          } catch (error) {
            // No country in the record: the DCC's `co` falls back to the signer certificate's country.
            if (isDccError(error) && /options\.country/.test(error.message) && dsc.country) return issueDcc(credential, { ...options, country: dsc.country });
            throw error;
          }
        });
        artefacts.push(...qrImages(format, certificateId, [issued.hc1], material.qr));
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: `${issued.hc1}\n`, main: true });
        break;
      }
      case 'shc': {
        const shc = material.shc;
        if (!shc) throw new FormatIssueError(format, new Error('no --shc-key / --dsc-key'));
        const card = await attempt(format, () => issueShc(credential, { signer: shc.signer, key: shc.key.keyPair, issuer: shc.issuer }));
        artefacts.push(...qrImages(format, certificateId, card.qr, material.qr));
        artefacts.push({ format, name: `${certificateId}.shc.txt`, contents: `${card.qr.join('\n')}\n`, main: false });
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: `${JSON.stringify(createHealthCardFile(card.jws))}\n`, main: true });
        break;
      }
      case 'vdsnc': {
        const bsc = material.bsc;
        if (!bsc) throw new FormatIssueError(format, new Error('no VDS-NC signer (--bsc-key / --bsc-cert)'));
        const seal = await attempt(format, () => issueVdsnc(withShortCertificateId(credential), { signer: bsc.signer, certificate: bsc.certificateDer }));
        const text = encodeVdsnc(seal);
        artefacts.push(...qrImages(format, certificateId, [text], material.qr));
        artefacts.push({ format, name: mainFileName(format, certificateId), contents: `${JSON.stringify(seal, null, 2)}\n`, main: true });
        break;
      }
    }
  }
  return { artefacts, ...(signed !== undefined ? { signedVc: signed } : {}) };
}
