/**
 * The formats `divoc issue --format` writes, and how each is made from one built credential. Kept apart from the
 * command so the demo and tests can reuse it.
 */
import { X509Certificate } from 'node:crypto';
import { FORMATS } from '@divoc/formats';
import {
  formatStem,
  mainFileName as bulkMainFileName,
  VC_BASED_FORMATS,
  type BulkFormat,
  type FormatStem,
} from '@divoc/bulk';
import { exportPublicJwk, type Signer } from '@divoc/keys';
import type { SuiteName } from '@divoc/vc';
import { OID_EKU_VDSNC_SIGNER, parseSignerCertificate } from '@divoc/vdsnc';
import type { CredentialIssuer } from './engine.js';
import { describeError } from './errors.js';
import { signerFor, type LoadedKey } from './keyfile.js';

/** `--format` values (each format's short name: `vc` for `w3c-vc`), in the order files are made. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.freeze(FORMATS.plugins.map((p) => p.shortName));
/**
 * A format `divoc issue --format` writes, by its file stem (`vc`, `divoc-qr`, `vc-compact`, `pixelpass`, `dcc`, `shc`,
 * `vdsnc`).
 */
export type OutputFormat = FormatStem;

/** Accepted spellings: a format's name or short name, and `json` (the old only value), which means `vc`. */
export const OUTPUT_FORMAT_ALIASES: Readonly<Record<string, OutputFormat>> = Object.freeze({
  ...Object.fromEntries(
    FORMATS.plugins.flatMap((p) => [
      [p.shortName, p.shortName],
      [p.name, p.shortName],
    ]),
  ),
  json: formatStem('w3c-vc'),
});

/** Name of each output format in index.ndjson and in `divoc verify` reports (the registry's name). */
export const REPORTED_FORMAT: Readonly<Record<OutputFormat, string>> = Object.freeze(
  Object.fromEntries(FORMATS.plugins.map((p) => [p.shortName, p.name])) as Record<OutputFormat, string>,
);

/** Formats made from the signed W3C VC (need `--key`). */
export const VC_BASED: ReadonlySet<OutputFormat> = new Set([...VC_BASED_FORMATS].map(formatStem));

/** The file whose presence means "this format was issued for this certificate" (reruns skip it). */
export function mainFileName(format: OutputFormat, certificateId: string): string {
  return bulkMainFileName(REPORTED_FORMAT[format] as BulkFormat, certificateId);
}

/** Parses `--format` values: repeatable and comma-separated. Returns undefined names for the usage error. */
export function parseOutputFormats(values: readonly string[]): { formats: OutputFormat[]; unknown: string[] } {
  const formats = new Set<OutputFormat>();
  const unknown: string[] = [];
  for (const value of values.length === 0 ? ['vc'] : values) {
    for (const part of value.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      const format = Object.prototype.hasOwnProperty.call(OUTPUT_FORMAT_ALIASES, name)
        ? OUTPUT_FORMAT_ALIASES[name]
        : undefined;
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
  if (key.keyPair.type !== 'P-256')
    throw new Error(`the key is ${key.keyPair.type}; DCC and VDS-NC signers use P-256 (ES256)`);
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
