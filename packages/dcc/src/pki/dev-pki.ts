import {
  base64Encode,
  certificatePem,
  certificateDer as derOf,
  createDevelopmentCertificate,
  createSigner,
  exportPrivatePem,
  generateKeyPair,
  isKeysError,
  type DevelopmentCertificateOptions,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { certificateKidBase64 } from '../lib/certificate.js';
import { DccCertificateError } from '../lib/errors.js';
import type { DccCertificateType } from '../types.js';

/** DCC extended key usage OIDs (eHealth Network): which certificate types a document signer may sign. */
export const DCC_KEY_USAGE_OIDS: Readonly<Record<DccCertificateType, string>> = Object.freeze({
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
});

const DAY_MS = 24 * 3600 * 1000;

export interface CreateDevelopmentCscaOptions {
  /** ISO 3166-1 alpha-2 country (upper case). */
  country: string;
  /** Subject CN (default `DIVOC development CSCA <country>`). */
  commonName?: string;
  /** Default 4 years. */
  validityDays?: number;
  /** Start of validity (default now). */
  validFrom?: Date;
}

export interface DevelopmentCsca {
  country: string;
  certificatePem: string;
  certificateDer: Uint8Array;
  /** P-256 key pair (node KeyObjects). Keep the private key secret: write it with `writePrivateKeyFile`. */
  keyPair: KeyPair;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
}

export interface CreateDocumentSignerOptions {
  csca: DevelopmentCsca;
  /** Country of the document signer (default: the CSCA's). */
  country?: string;
  /** Certificate types this signer may sign; each becomes a DCC extended key usage OID. Default all three. */
  types?: readonly DccCertificateType[];
  /** Default 365. */
  validityDays?: number;
  /** Start of validity (default now). */
  validFrom?: Date;
  /** Subject CN (default `DIVOC development DSC <country>`). */
  commonName?: string;
}

export interface DocumentSignerCertificate {
  country: string;
  types: DccCertificateType[];
  certificatePem: string;
  certificateDer: Uint8Array;
  /** EU DCC kid (base64). */
  kid: string;
  keyPair: KeyPair;
  privateKeyPem: string;
  /** ES256 signer over the key pair, its id the kid: pass it to `encodeDcc` / `issueDcc`. */
  signer: Signer;
  /** `{ kid, rawData, country }`: one entry of an EU DCC signer list (`loadDccSignerList`). */
  signerListEntry: { kid: string; rawData: string; country: string };
}

function checkCountry(country: unknown): string {
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country))
    throw new DccCertificateError('country must be an ISO 3166-1 alpha-2 code (upper case)');
  return country;
}

function checkDays(days: unknown, fallback: number): number {
  const d = days ?? fallback;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 36_500)
    throw new DccCertificateError('validityDays must be a whole number of days between 1 and 36500');
  return d;
}

function checkStart(date: unknown): Date {
  if (date === undefined) return new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new DccCertificateError('validFrom must be a valid Date');
  return date;
}

function checkCommonName(commonName: string): string {
  if (commonName.length === 0 || commonName.length > 64)
    throw new DccCertificateError('commonName must be 1 to 64 characters');
  return commonName;
}

/**
 * DER and PEM of a development certificate (`createDevelopmentCertificate` of `@divoc/keys`) issued by `csca`, or
 * self-signed without one; its refusals (a CSCA certificate or key it cannot use) as `DccCertificateError`.
 */
async function develop(
  options: Omit<DevelopmentCertificateOptions, 'issuer'>,
  csca?: DevelopmentCsca,
): Promise<{ certificatePem: string; certificateDer: Uint8Array }> {
  try {
    const issuer = csca ? { issuer: { certificate: derOf(csca.certificatePem), keyPair: csca.keyPair } } : {};
    const certificateDer = await createDevelopmentCertificate({ ...options, ...issuer });
    return { certificatePem: certificatePem(certificateDer), certificateDer };
  } catch (error) {
    if (isKeysError(error)) throw new DccCertificateError(error.message, { cause: error });
    throw error;
  }
}

/**
 * A self-signed development CSCA (country signing CA), P-256 / ECDSA-SHA256. For trying the DCC chain end to end;
 * a production CSCA lives in an HSM under the country's certificate policy.
 */
export async function createDevelopmentCsca(options: CreateDevelopmentCscaOptions): Promise<DevelopmentCsca> {
  const country = checkCountry(options?.country);
  const days = checkDays(options.validityDays, 4 * 365);
  const notBefore = checkStart(options.validFrom);
  const commonName = checkCommonName(options.commonName ?? `DIVOC development CSCA ${country}`);
  const keyPair = await generateKeyPair('P-256');
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const pem = await develop({ keyPair, country, commonName, notBefore, notAfter, profile: 'ca' });
  return { country, ...pem, keyPair, privateKeyPem: exportPrivatePem(keyPair) };
}

/**
 * A development document signer certificate (DSC), P-256, issued by `csca`, with the DCC extended key usage OIDs
 * for `types`. Returns the certificate, its kid, the key pair and a ready ES256 signer.
 */
export async function createDocumentSignerCertificate(
  options: CreateDocumentSignerOptions,
): Promise<DocumentSignerCertificate> {
  const csca = options?.csca;
  if (!csca || typeof csca.certificatePem !== 'string' || !csca.keyPair?.privateKey)
    throw new DccCertificateError('csca (from createDevelopmentCsca) with its private key is required');
  const country = checkCountry(options.country ?? csca.country);
  const types = [...new Set(options.types ?? (['v', 't', 'r'] as const))];
  if (types.length === 0 || !types.every((t) => t === 'v' || t === 't' || t === 'r'))
    throw new DccCertificateError("types must be a non-empty list of 'v', 't', 'r'");
  const days = checkDays(options.validityDays, 365);
  const notBefore = checkStart(options.validFrom);
  const commonName = checkCommonName(options.commonName ?? `DIVOC development DSC ${country}`);
  const keyPair = await generateKeyPair('P-256');
  const { certificatePem, certificateDer } = await develop(
    {
      keyPair,
      country,
      commonName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY_MS),
      profile: 'signer',
      endEntityBasicConstraints: true,
      extendedKeyUsage: { oids: types.map((t) => DCC_KEY_USAGE_OIDS[t]), critical: false },
      subjectKeyIdentifier: true,
    },
    csca,
  );
  const kid = await certificateKidBase64(certificateDer);
  return {
    country,
    types,
    certificatePem,
    certificateDer,
    kid,
    keyPair,
    privateKeyPem: exportPrivatePem(keyPair),
    signer: createSigner(keyPair, { id: kid, algorithm: 'ES256' }),
    signerListEntry: { kid, rawData: base64Encode(certificateDer), country },
  };
}
