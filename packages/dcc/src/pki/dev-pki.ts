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
  type DevelopmentCertified,
  type DevelopmentIssuer,
  type DevelopmentSigned,
  type DevelopmentSignerSubjectOptions,
  type DevelopmentSubjectOptions,
  type KeyPair,
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

/** The shared development-PKI options (`country` default `IN`, validity from now, default 4 years for a CSCA). */
export type CreateDevelopmentCscaOptions = DevelopmentSubjectOptions;

/** A development CSCA: the shared shape (`certificate`, `certificatePem`, `keyPair`, `privateKeyPem`, `country`). */
export interface DevelopmentCsca extends DevelopmentCertified {
  /** @deprecated use `certificate` (the same DER) */
  certificateDer: Uint8Array;
}

/** Options of `createDevelopmentSigner`: the CSCA that signs the new document signer, and its subject. */
/** `createDevelopmentSigner`'s options: the shared ones, the issuing CSCA and the certificate types it may sign. */
export interface CreateDevelopmentSignerOptions extends Omit<DevelopmentSignerSubjectOptions, 'csca'> {
  /**
   * The issuing CSCA: a `DevelopmentCsca` of this package or of `@divoc/vdsnc`, or any `{ certificate, keyPair }`
   * (a `certificatePem` instead of `certificate` is read too, as from a CSCA of an earlier version).
   */
  csca: DevelopmentIssuer | (Omit<DevelopmentIssuer, 'certificate'> & { certificatePem: string });
  /** Certificate types this signer may sign; each becomes a DCC extended key usage OID. Default all three. */
  types?: readonly DccCertificateType[];
}

/** A development document signer (DSC): the shared shape plus its EU DCC kid, types and signer-list entry. */
export interface DevelopmentSigner extends DevelopmentSigned {
  types: DccCertificateType[];
  /** EU DCC kid (base64); also the `signer`'s id. Pass `{ signer, certificate }` to `encodeDcc` / `issueDcc`. */
  kid: string;
  /** `{ kid, rawData, country }`: one entry of an EU DCC signer list (`loadDccSignerList`). */
  signerListEntry: { kid: string; rawData: string; country: string };
  /** @deprecated use `certificate` (the same DER) */
  certificateDer: Uint8Array;
}

/** @deprecated use `CreateDevelopmentSignerOptions` */
export type CreateDocumentSignerOptions = CreateDevelopmentSignerOptions;
/** @deprecated use `DevelopmentSigner` */
export type DocumentSignerCertificate = DevelopmentSigner;

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

/** End of validity: `validUntil` when given (after `notBefore`), else `validityDays` (or `days`) after `notBefore`. */
function checkEnd(options: DevelopmentSubjectOptions, notBefore: Date, days: number): Date {
  const until = options.validUntil;
  if (until === undefined) return new Date(notBefore.getTime() + checkDays(options.validityDays, days) * DAY_MS);
  if (!(until instanceof Date) || Number.isNaN(until.getTime()) || until.getTime() <= notBefore.getTime())
    throw new DccCertificateError('validUntil must be a valid Date after validFrom');
  return until;
}

function checkCommonName(commonName: string): string {
  if (commonName.length === 0 || commonName.length > 64)
    throw new DccCertificateError('commonName must be 1 to 64 characters');
  return commonName;
}

/** The caller's P-256 key pair (private key included), or a new one. */
async function keyPairOf(keyPair: KeyPair | undefined): Promise<KeyPair> {
  if (keyPair === undefined) return generateKeyPair('P-256');
  if (keyPair?.type !== 'P-256' || !keyPair.privateKey)
    throw new DccCertificateError('keyPair must be a P-256 key pair with its private key');
  return keyPair;
}

/** The CSCA as `{ certificate, keyPair }`, from any development CSCA (DER `certificate`, or `certificatePem`). */
function issuerOf(csca: CreateDevelopmentSignerOptions['csca'] | undefined): DevelopmentIssuer {
  if (csca && csca.keyPair?.privateKey) {
    if ('certificate' in csca && csca.certificate instanceof Uint8Array) return csca;
    if ('certificatePem' in csca && typeof csca.certificatePem === 'string')
      return { certificate: derOf(csca.certificatePem), keyPair: csca.keyPair };
  }
  throw new DccCertificateError('csca (from createDevelopmentCsca) with its private key is required');
}

/**
 * DER and PEM of a development certificate (`createDevelopmentCertificate` of `@divoc/keys`) issued by `csca`, or
 * self-signed without one; its refusals (a CSCA certificate or key it cannot use) as `DccCertificateError`.
 */
async function develop(
  options: Omit<DevelopmentCertificateOptions, 'issuer'>,
  issuer?: DevelopmentIssuer,
): Promise<{ certificatePem: string; certificate: Uint8Array }> {
  try {
    const certificate = await createDevelopmentCertificate({ ...options, ...(issuer ? { issuer } : {}) });
    return { certificatePem: certificatePem(certificate), certificate };
  } catch (error) {
    if (isKeysError(error)) throw new DccCertificateError(error.message, { cause: error });
    throw error;
  }
}

/**
 * A self-signed development CSCA (country signing CA), P-256 / ECDSA-SHA256. For trying the DCC chain end to end;
 * a production CSCA lives in an HSM under the country's certificate policy.
 */
export async function createDevelopmentCsca(options: CreateDevelopmentCscaOptions = {}): Promise<DevelopmentCsca> {
  const country = checkCountry(options?.country ?? 'IN');
  const notBefore = checkStart(options.validFrom);
  const notAfter = checkEnd(options, notBefore, 4 * 365);
  const commonName = checkCommonName(options.commonName ?? `DIVOC development CSCA ${country}`);
  const keyPair = await keyPairOf(options.keyPair);
  const pem = await develop({ keyPair, country, commonName, notBefore, notAfter, profile: 'ca' });
  return { country, ...pem, certificateDer: pem.certificate, keyPair, privateKeyPem: exportPrivatePem(keyPair) };
}

/**
 * A development document signer certificate (DSC), P-256, issued by `csca`, with the DCC extended key usage OIDs
 * for `types`. Returns the certificate, its kid, the key pair and a ready ES256 signer.
 */
export async function createDevelopmentSigner(options: CreateDevelopmentSignerOptions): Promise<DevelopmentSigner> {
  const issuer = issuerOf(options?.csca);
  const cscaCountry = 'country' in options.csca ? options.csca.country : undefined;
  const country = checkCountry(options.country ?? cscaCountry ?? 'IN');
  const types = [...new Set(options.types ?? (['v', 't', 'r'] as const))];
  if (types.length === 0 || !types.every((t) => t === 'v' || t === 't' || t === 'r'))
    throw new DccCertificateError("types must be a non-empty list of 'v', 't', 'r'");
  const notBefore = checkStart(options.validFrom);
  const notAfter = checkEnd(options, notBefore, 365);
  const commonName = checkCommonName(options.commonName ?? `DIVOC development DSC ${country}`);
  const keyPair = await keyPairOf(options.keyPair);
  const { certificatePem, certificate } = await develop(
    {
      keyPair,
      country,
      commonName,
      notBefore,
      notAfter,
      profile: 'signer',
      endEntityBasicConstraints: true,
      extendedKeyUsage: { oids: types.map((t) => DCC_KEY_USAGE_OIDS[t]), critical: false },
      subjectKeyIdentifier: true,
    },
    issuer,
  );
  const kid = await certificateKidBase64(certificate);
  return {
    country,
    types,
    certificate,
    certificatePem,
    certificateDer: certificate,
    kid,
    keyPair,
    privateKeyPem: exportPrivatePem(keyPair),
    signer: createSigner(keyPair, { id: kid, algorithm: 'ES256' }),
    signerListEntry: { kid, rawData: base64Encode(certificate), country },
  };
}

/** @deprecated use `createDevelopmentSigner` */
export const createDocumentSignerCertificate = createDevelopmentSigner;
