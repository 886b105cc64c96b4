import {
  certificateExtension,
  certificatePem,
  createDevelopmentCertificate,
  createSigner,
  derWrite,
  exportPrivatePem,
  generateKeyPair,
  isKeysError,
  type DevelopmentCertificateOptions,
  type DevelopmentCertified,
  type DevelopmentSigned,
  type DevelopmentSignerSubjectOptions,
  type DevelopmentSubjectOptions,
  type KeyPair,
} from '@divoc/keys';
import { VdsncIssueError } from '../lib/errors.js';
import { OID_DOCUMENT_TYPE_LIST, OID_EKU_VDSNC_SIGNER } from './oids.js';

/** The shared development-PKI options (`country` default `IN`, valid from a day ago, default 10 years for a CSCA). */
export type CreateDevelopmentCscaOptions = DevelopmentSubjectOptions;

/** A development CSCA: the shared shape (`certificate`, `certificatePem`, `keyPair`, `privateKeyPem`, `country`). */
export type DevelopmentCsca = DevelopmentCertified;

/** `createDevelopmentSigner`'s options: the shared ones, plus what a barcode signer certificate carries. */
export interface CreateDevelopmentSignerOptions extends DevelopmentSignerSubjectOptions {
  /**
   * Document types for the ICAO document type list (`NV` vaccination, `NT` testing). Default both; `[]` omits the
   * extension.
   */
  documentTypes?: readonly string[];
  /** Extended key usage OIDs. Default the VDS-NC signer OID; `[]` omits the extension. */
  extendedKeyUsage?: readonly string[];
}

/**
 * A development barcode signer: the shared shape. `issueVdsnc(credential, signer)` takes it as it is (`signer`,
 * `certificate`).
 */
export type DevelopmentSigner = DevelopmentSigned;

/** @deprecated use `DevelopmentCsca` or `DevelopmentSigner` (both carry `certificate` and `keyPair`) */
export type DevCertificate = DevelopmentCertified;
/** @deprecated use `CreateDevelopmentCscaOptions` */
export type DevCscaOptions = CreateDevelopmentCscaOptions;
/** @deprecated use `CreateDevelopmentSignerOptions` */
export type DevSignerOptions = CreateDevelopmentSignerOptions;

const DAY = 86_400_000;

/**
 * A self-signed P-256 CSCA certificate for tests and demos (`createDevelopmentCertificate` of `@divoc/keys`). NOT for
 * production: real CSCAs are national roots distributed through the ICAO PKD / master lists.
 */
export async function createDevelopmentCsca(options: CreateDevelopmentCscaOptions = {}): Promise<DevelopmentCsca> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(keyPair, 'CSCA');
  const names = subject(options, 'DIVOC Dev CSCA', 3650);
  const certificate = await develop({ keyPair, ...names, profile: 'ca' });
  return certified(names.country, certificate, keyPair);
}

/** A P-256 barcode signer certificate issued by `csca`, with the VDS-NC EKU and document type list. */
export async function createDevelopmentSigner(options: CreateDevelopmentSignerOptions): Promise<DevelopmentSigner> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(keyPair, 'signer');
  assertP256Private(options.csca?.keyPair, 'CSCA');
  const documentTypes = options.documentTypes ?? ['NV', 'NT'];
  const { sequence, set, smallInteger, printableString } = derWrite;
  const typeList = sequence(smallInteger(0), set(...documentTypes.map(printableString)));
  const names = subject(options, 'DIVOC Dev VDS-NC Signer', 365);
  const certificate = await develop({
    keyPair,
    ...names,
    profile: 'signer',
    issuer: { certificate: options.csca.certificate, keyPair: options.csca.keyPair },
    extendedKeyUsage: { oids: options.extendedKeyUsage ?? [OID_EKU_VDSNC_SIGNER], critical: true },
    extensions: documentTypes.length > 0 ? [certificateExtension(OID_DOCUMENT_TYPE_LIST, false, typeList)] : [],
  });
  return {
    ...certified(names.country, certificate, keyPair),
    signer: createSigner(keyPair, { id: 'vdsnc-signer', algorithm: 'ES256' }),
  };
}

/** @deprecated use `createDevelopmentCsca` */
export const createDevCsca = createDevelopmentCsca;
/** @deprecated use `createDevelopmentSigner` */
export const createDevSignerCertificate = createDevelopmentSigner;

function certified(country: string, certificate: Uint8Array, keyPair: KeyPair): DevelopmentCertified {
  return {
    country,
    certificate,
    certificatePem: certificatePem(certificate),
    keyPair,
    privateKeyPem: exportPrivatePem(keyPair),
  };
}

/**
 * Subject and validity: `C=IN`, valid from a day ago for `days` days, unless the options say otherwise
 * (`validUntil` wins over `validityDays`).
 */
function subject(options: DevelopmentSubjectOptions, commonName: string, days: number) {
  const validityDays = options.validityDays ?? days;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 36_500)
    throw new VdsncIssueError('validityDays must be a whole number of days between 1 and 36500');
  const notBefore = options.validFrom ?? new Date(Date.now() - DAY);
  const notAfter = options.validUntil ?? new Date(notBefore.getTime() + validityDays * DAY);
  return { country: options.country ?? 'IN', commonName: options.commonName ?? commonName, notBefore, notAfter };
}

function assertP256Private(kp: KeyPair | undefined, what: string): void {
  if (kp?.type !== 'P-256' || !kp.privateKey) {
    throw new VdsncIssueError(`${what} key must be a P-256 key pair with its private key`);
  }
}

/** `createDevelopmentCertificate`, its refusals (a bad country, a bad key) as this package's `VdsncIssueError`. */
async function develop(options: DevelopmentCertificateOptions): Promise<Uint8Array> {
  try {
    return await createDevelopmentCertificate(options);
  } catch (error) {
    if (isKeysError(error)) throw new VdsncIssueError(error.message, { cause: error });
    throw error;
  }
}
