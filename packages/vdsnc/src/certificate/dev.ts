import {
  certificateExtension,
  createDevelopmentCertificate,
  derWrite,
  generateKeyPair,
  isKeysError,
  type DevelopmentCertificateOptions,
  type KeyPair,
} from '@divoc/keys';
import { VdsncIssueError } from '../lib/errors.js';
import { OID_DOCUMENT_TYPE_LIST, OID_EKU_VDSNC_SIGNER } from './oids.js';

/**
 * A certificate and the key pair it certifies (the private key stays in memory; write it with
 * `writePrivateKeyFile`).
 */
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
  /**
   * Document types for the ICAO document type list (`NV` vaccination, `NT` testing). Default both; `[]` omits the
   * extension.
   */
  documentTypes?: readonly string[];
  /** Extended key usage OIDs. Default the VDS-NC signer OID; `[]` omits the extension. */
  extendedKeyUsage?: readonly string[];
  /** P-256 signer key; generated when absent. */
  keyPair?: KeyPair;
}

const DAY = 86_400_000;

/**
 * A self-signed P-256 CSCA certificate for tests and demos (`createDevelopmentCertificate` of `@divoc/keys`). NOT for
 * production: real CSCAs are national roots distributed through the ICAO PKD / master lists.
 */
export async function createDevCsca(options: DevCscaOptions = {}): Promise<DevCertificate> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(keyPair, 'CSCA');
  const certificate = await develop({ keyPair, ...subject(options, 'DIVOC Dev CSCA', 3650), profile: 'ca' });
  return { certificate, keyPair };
}

/** A P-256 barcode signer certificate issued by `csca`, with the VDS-NC EKU and document type list. */
export async function createDevSignerCertificate(options: DevSignerOptions): Promise<DevCertificate> {
  const keyPair = options.keyPair ?? (await generateKeyPair('P-256'));
  assertP256Private(options.csca.keyPair, 'CSCA');
  const documentTypes = options.documentTypes ?? ['NV', 'NT'];
  const { sequence, set, smallInteger, printableString } = derWrite;
  const typeList = sequence(smallInteger(0), set(...documentTypes.map(printableString)));
  const certificate = await develop({
    keyPair,
    ...subject(options, 'DIVOC Dev VDS-NC Signer', 365),
    profile: 'signer',
    issuer: options.csca,
    extendedKeyUsage: { oids: options.extendedKeyUsage ?? [OID_EKU_VDSNC_SIGNER], critical: true },
    extensions: documentTypes.length > 0 ? [certificateExtension(OID_DOCUMENT_TYPE_LIST, false, typeList)] : [],
  });
  return { certificate, keyPair };
}

/** Subject and validity: `C=IN`, valid from a day ago for `days` days, unless the options say otherwise. */
function subject(options: DevCscaOptions | DevSignerOptions, commonName: string, days: number) {
  const notBefore = options.validFrom ?? new Date(Date.now() - DAY);
  const notAfter = options.validUntil ?? new Date(notBefore.getTime() + days * DAY);
  return { country: options.country ?? 'IN', commonName: options.commonName ?? commonName, notBefore, notAfter };
}

function assertP256Private(kp: KeyPair, what: string): void {
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
