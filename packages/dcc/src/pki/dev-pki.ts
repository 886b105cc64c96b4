import type * as X509 from '@peculiar/x509';
import { createSigner, exportPrivateJwk, exportPrivatePem, exportPublicJwk, generateKeyPair, type KeyPair, type Signer, base64Encode } from '@divoc/keys';
import { certificateKidBase64 } from '../lib/certificate.js';
import { DccCertificateError } from '../lib/errors.js';
import type { DccCertificateType } from '../types.js';

/** DCC extended key usage OIDs (eHealth Network): which certificate types a document signer may sign. */
export const DCC_KEY_USAGE_OIDS: Readonly<Record<DccCertificateType, string>> = Object.freeze({
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
});

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
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
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) throw new DccCertificateError('country must be an ISO 3166-1 alpha-2 code (upper case)');
  return country;
}

function checkDays(days: unknown, fallback: number): number {
  const d = days ?? fallback;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 36_500) throw new DccCertificateError('validityDays must be a whole number of days between 1 and 36500');
  return d;
}

function checkStart(date: unknown): Date {
  if (date === undefined) return new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new DccCertificateError('validFrom must be a valid Date');
  return date;
}

function distinguishedName(country: string, commonName: string): string {
  // RFC 4514 escaping of the characters that would break the DN string.
  const escape = (s: string) => s.replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`);
  if (commonName.length === 0 || commonName.length > 64) throw new DccCertificateError('commonName must be 1 to 64 characters');
  return `C=${country}, CN=${escape(commonName)}`;
}

const subtle = () => globalThis.crypto.subtle;

type X509Module = typeof X509;
let x509Module: Promise<X509Module> | undefined;
/**
 * @peculiar/x509 needs the Reflect metadata polyfill (its DI container checks for it at load time). Both load only
 * when a development certificate is made, so verifying and decoding stay free of the global polyfill.
 */
function loadX509(): Promise<X509Module> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

/** WebCrypto keys from a node KeyObject pair (via JWK, which works on Node 20). */
async function toCryptoKeys(kp: KeyPair): Promise<CryptoKeyPair> {
  const publicKey = await subtle().importKey('jwk', exportPublicJwk(kp), ECDSA_P256, true, ['verify']);
  const privateKey = await subtle().importKey('jwk', exportPrivateJwk(kp), ECDSA_P256, false, ['sign']);
  return { publicKey, privateKey };
}

function serialNumber(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function pemOf(cert: X509.X509Certificate): { certificatePem: string; certificateDer: Uint8Array } {
  return { certificatePem: cert.toString('pem'), certificateDer: new Uint8Array(cert.rawData) };
}

/**
 * A self-signed development CSCA (country signing CA), P-256 / ECDSA-SHA256. For trying the DCC chain end to end;
 * a production CSCA lives in an HSM under the country's certificate policy.
 */
export async function createDevelopmentCsca(options: CreateDevelopmentCscaOptions): Promise<DevelopmentCsca> {
  const country = checkCountry(options?.country);
  const days = checkDays(options.validityDays, 4 * 365);
  const notBefore = checkStart(options.validFrom);
  const x509 = await loadX509();
  const keyPair = await generateKeyPair('P-256');
  const keys = await toCryptoKeys(keyPair);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: distinguishedName(country, options.commonName ?? `DIVOC development CSCA ${country}`),
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, globalThis.crypto),
      ],
    },
    globalThis.crypto,
  );
  return { country, ...pemOf(cert), keyPair, privateKeyPem: exportPrivatePem(keyPair) };
}

/**
 * A development document signer certificate (DSC), P-256, issued by `csca`, with the DCC extended key usage OIDs
 * for `types`. Returns the certificate, its kid, the key pair and a ready ES256 signer.
 */
export async function createDocumentSignerCertificate(options: CreateDocumentSignerOptions): Promise<DocumentSignerCertificate> {
  const csca = options?.csca;
  if (!csca || typeof csca.certificatePem !== 'string' || !csca.keyPair?.privateKey) throw new DccCertificateError('csca (from createDevelopmentCsca) with its private key is required');
  const country = checkCountry(options.country ?? csca.country);
  const types = [...new Set(options.types ?? (['v', 't', 'r'] as const))];
  if (types.length === 0 || !types.every((t) => t === 'v' || t === 't' || t === 'r')) throw new DccCertificateError("types must be a non-empty list of 'v', 't', 'r'");
  const days = checkDays(options.validityDays, 365);
  const notBefore = checkStart(options.validFrom);
  const x509 = await loadX509();
  const cscaCert = new x509.X509Certificate(csca.certificatePem);
  const cscaKeys = await toCryptoKeys(csca.keyPair);
  const keyPair = await generateKeyPair('P-256');
  const keys = await toCryptoKeys(keyPair);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: distinguishedName(country, options.commonName ?? `DIVOC development DSC ${country}`),
      issuer: cscaCert.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: cscaKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(types.map((t) => DCC_KEY_USAGE_OIDS[t]), false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, globalThis.crypto),
        await x509.AuthorityKeyIdentifierExtension.create(cscaKeys.publicKey, false, globalThis.crypto),
      ],
    },
    globalThis.crypto,
  );
  const { certificatePem, certificateDer } = pemOf(cert);
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
