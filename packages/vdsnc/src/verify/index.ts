import {
  isPlatformUnsupportedError,
  base64Decode,
  isIssuedBy,
  isTrustedKeyValidAt,
  publicKeyInfoFromJwk,
  trustStoreOf,
  verifySignature,
  type X509CertificateInfo,
  type Check,
  type FormatVerificationResult,
  type TrustedKey,
} from '@divoc/keys';
import { parseCertificate, type CertificateInfo } from '../certificate/parse.js';
import { DOCUMENT_TYPE_BY_SEAL_TYPE, OID_EKU_VDSNC_SIGNER } from '../certificate/oids.js';
import { decodeVdsnc } from '../decode/index.js';
import { canonicalJsonBytes } from '../jcs/index.js';
import { isVdsncError } from '../lib/errors.js';
import { toAlpha3 } from '@divoc/keys';
import type { DecodedVdsnc, VdsncSeal } from '../types.js';
import { checkMessage } from './schema.js';

/**
 * Anything listing trusted keys (a `TrustStore`); entries with a `certificate` are candidate CSCAs, and an entry whose
 * certificate is the seal's signer certificate itself trusts that signer directly.
 */
export interface CscaSource {
  /** Every trusted key. */
  keys(): readonly TrustedKey[];
}

/** The verifier's `Trust` as `verifyVdsnc` reads it: its store, and the CSCAs it keeps beside the store. */
export interface CscaHolder {
  readonly store: CscaSource;
  readonly cscaCertificates?: readonly Uint8Array[];
}

/** Options of `verifyVdsnc`: the trusted CSCAs or signers, the clock and the policy. */
export interface VerifyVdsncOptions {
  /**
   * The verifier's `Trust` (its CSCAs and store), or a trust store whose certificate entries (e.g. added with
   * `addCertificate`) are the trusted CSCAs, or signer certificates trusted directly (an entry whose `certificate`
   * is `sig.cer`: no CSCA needed).
   */
  trust?: CscaSource | CscaHolder;
  /** @deprecated use `trust` */
  trustStore?: CscaSource;
  /** CSCA certificates trusted directly: DER bytes, base64 DER or PEM. */
  cscaCertificates?: readonly (Uint8Array | string)[];
  /** Validation clock. Default now. */
  now?: Date;
}

/** The result of `verifyVdsnc`: valid or not, its checks, and the seal. */
export type VdsncVerificationResult = FormatVerificationResult<'vdsnc', VdsncSeal>;

interface Csca {
  x509: X509CertificateInfo;
  validFrom: Date;
  validUntil: Date;
  /** The trust-store entry it came from, whose own window also applies. */
  entry?: TrustedKey;
  /** The signer certificate itself, trusted directly (a trust-store entry whose certificate is `sig.cer`). */
  direct?: boolean;
}

const MAX_CSCAS = 10_000;

/**
 * Verify a VDS-NC seal: decode, ES256 signature over the RFC 8785 form of `data` with the key of `sig.cer`
 * (signature), `sig.cer` issued and signed by a trusted CSCA (trust), both certificates valid at `now` (validity),
 * the signer certificate's VDS-NC extended key usage and document type list (key-usage), message fields (schema).
 * Never throws for bad input: each failed step is a check with a stable code.
 */
export async function verifyVdsnc(
  input: string | Uint8Array | object,
  options: VerifyVdsncOptions = {},
): Promise<VdsncVerificationResult> {
  const checks: Check[] = [];
  const result = (decoded?: DecodedVdsnc): VdsncVerificationResult => ({
    valid: checks.length > 0 && checks.every((c) => c.ok),
    format: 'vdsnc',
    ...(decoded ? { issuer: decoded.issuingCountry, payload: decoded.seal } : {}),
    checks,
  });

  let decoded: DecodedVdsnc;
  try {
    decoded = decodeVdsnc(input);
    checks.push({ name: 'decode', ok: true });
  } catch (err) {
    checks.push(failure('decode', err, 'ERR_VDSNC_MALFORMED'));
    return result();
  }

  const now = options.now instanceof Date && !Number.isNaN(options.now.getTime()) ? options.now : new Date();

  // signature
  let signer: CertificateInfo | undefined;
  try {
    signer = parseCertificate(decoded.signerCertificate);
  } catch (err) {
    checks.push(failure('signature', err, 'ERR_VDSNC_CERTIFICATE_INVALID'));
  }
  if (signer) checks.push(await signatureCheck(decoded, signer));

  // trust
  let csca: Csca | undefined;
  if (signer) {
    let candidates: Csca[] = [];
    try {
      candidates = trustedCscas(options);
    } catch (err) {
      checks.push({
        name: 'trust',
        ok: false,
        code: 'ERR_VDSNC_NOT_TRUSTED',
        message: `trusted CSCA list unusable: ${message(err)}`,
      });
    }
    if (!checks.some((c) => c.name === 'trust')) {
      // A signer certificate the trust store holds itself is trusted without a CSCA (the operator vouched for it).
      csca = directlyTrusted(options, decoded.signerCertificate, signer);
      for (const candidate of csca ? [] : candidates) {
        if (await isIssuedBy(signer.certificate, candidate.x509)) {
          csca = candidate;
          break;
        }
      }
      const signerCountry = signer.country !== undefined ? toAlpha3(signer.country) : undefined;
      if (!csca) {
        checks.push({
          name: 'trust',
          ok: false,
          code: 'ERR_VDSNC_NOT_TRUSTED',
          message: 'no trusted CSCA issued and signed the signer certificate',
        });
      } else if (signerCountry !== undefined && !sameCountry(signerCountry, decoded.issuingCountry)) {
        // A country's CSCA vouches for that country's seals only.
        checks.push({
          name: 'trust',
          ok: false,
          code: 'ERR_VDSNC_NOT_TRUSTED',
          message:
            `seal claims issuing country ${decoded.issuingCountry} ` +
            `but its signer certificate is from ${signerCountry}`,
        });
      } else {
        checks.push({
          name: 'trust',
          ok: true,
          message: csca.direct
            ? 'the signer certificate is trusted directly'
            : `signed by CSCA ${oneLine(csca.x509.subject.text)}`,
        });
      }
    }
  } else {
    checks.push({ name: 'trust', ok: false, code: 'ERR_VDSNC_NOT_TRUSTED', message: 'no readable signer certificate' });
  }

  // validity
  if (signer) {
    const problems: string[] = [];
    if (!within(now, signer.validFrom, signer.validUntil))
      problems.push(`signer certificate valid ${signer.validFrom.toISOString()} to ${signer.validUntil.toISOString()}`);
    if (csca) {
      if (!csca.direct && !within(now, csca.validFrom, csca.validUntil))
        problems.push(`CSCA certificate valid ${csca.validFrom.toISOString()} to ${csca.validUntil.toISOString()}`);
      if (csca.entry && !isTrustedKeyValidAt(csca.entry, now))
        problems.push(`${csca.direct ? 'signer' : 'CSCA'} trust-store entry not valid now`);
    }
    checks.push(
      problems.length === 0
        ? { name: 'validity', ok: true }
        : {
            name: 'validity',
            ok: false,
            code: 'ERR_VDSNC_CERTIFICATE_EXPIRED',
            message: `not valid at ${now.toISOString()}: ${problems.join('; ')}`,
          },
    );
  }

  // key-usage
  if (signer) checks.push(keyUsageCheck(decoded, signer));

  // schema
  const issues = checkMessage(decoded.type, decoded.message);
  checks.push(
    issues.length === 0
      ? { name: 'schema', ok: true }
      : { name: 'schema', ok: false, code: 'ERR_VDSNC_SCHEMA_INVALID', message: issues.slice(0, 5).join('; ') },
  );
  return result(decoded);
}

async function signatureCheck(decoded: DecodedVdsnc, signer: CertificateInfo): Promise<Check> {
  if (decoded.algorithm !== 'ES256') {
    return {
      name: 'signature',
      ok: false,
      code: 'ERR_VDSNC_ALG_UNSUPPORTED',
      message: `sig.alg ${JSON.stringify(decoded.algorithm.slice(0, 32))} is not ES256`,
    };
  }
  let key: TrustedKey;
  try {
    if (signer.certificate.publicKey.crv !== 'P-256')
      throw new Error(
        `signer key is ${signer.certificate.publicKey.crv ?? signer.certificate.publicKey.kty}, ES256 needs P-256`,
      );
    const { type, jwk } = publicKeyInfoFromJwk(signer.publicKeyJwk);
    key = { id: 'vdsnc-signer', type, publicKeyJwk: jwk };
  } catch (err) {
    return {
      name: 'signature',
      ok: false,
      code: 'ERR_VDSNC_CERTIFICATE_INVALID',
      message: `signer certificate key unusable: ${message(err)}`,
    };
  }
  let data: Uint8Array;
  try {
    data = canonicalJsonBytes(decoded.seal.data);
  } catch (err) {
    return failure('signature', err, 'ERR_VDSNC_SIGNATURE_INVALID');
  }
  if (decoded.signature.length !== 64) {
    return {
      name: 'signature',
      ok: false,
      code: 'ERR_VDSNC_SIGNATURE_INVALID',
      message: 'an ES256 signature is 64 bytes (r‖s)',
    };
  }
  // No WebCrypto here (ERR_PLATFORM_UNSUPPORTED) is rethrown: nothing was checked, which is not a bad signature.
  const ok = await verifySignature(key, 'ES256', data, decoded.signature).catch((error: unknown) => {
    if (isPlatformUnsupportedError(error)) throw error;
    return false;
  });
  return ok
    ? { name: 'signature', ok: true }
    : {
        name: 'signature',
        ok: false,
        code: 'ERR_VDSNC_SIGNATURE_INVALID',
        message: 'signature does not match data under the key of sig.cer',
      };
}

function keyUsageCheck(decoded: DecodedVdsnc, signer: CertificateInfo): Check {
  // The TR's barcode signer profile makes both extensions mandatory: no leniency for their absence.
  if (!signer.extendedKeyUsage?.includes(OID_EKU_VDSNC_SIGNER)) {
    return {
      name: 'key-usage',
      ok: false,
      code: 'ERR_VDSNC_KEY_USAGE',
      message: `signer certificate lacks the VDS-NC extended key usage ${OID_EKU_VDSNC_SIGNER}`,
    };
  }
  const wanted = DOCUMENT_TYPE_BY_SEAL_TYPE[decoded.type];
  if (!signer.documentTypes) {
    return {
      name: 'key-usage',
      ok: false,
      code: 'ERR_VDSNC_KEY_USAGE',
      message: 'signer certificate has no document type list (2.23.136.1.1.6.2)',
    };
  }
  if (!signer.documentTypes.includes(wanted)) {
    return {
      name: 'key-usage',
      ok: false,
      code: 'ERR_VDSNC_KEY_USAGE',
      message:
        `signer certificate may sign ${signer.documentTypes.join(', ') || 'no document types'}, ` +
        `not ${wanted} (${decoded.type})`,
    };
  }
  return { name: 'key-usage', ok: true };
}

const cache = new WeakMap<TrustedKey, Csca | null>();

/** The CSCAs a holder (the verifier's `Trust`) keeps beside its store, then those given directly. */
function looseCscas(options: VerifyVdsncOptions): readonly (Uint8Array | string)[] {
  const trust = options.trust;
  const held = trust && 'store' in trust && Array.isArray(trust.cscaCertificates) ? trust.cscaCertificates : [];
  return [...held, ...(options.cscaCertificates ?? [])];
}

function trustedCscas(options: VerifyVdsncOptions): Csca[] {
  const out: Csca[] = [];
  const store = trustStoreOf(options);
  if (store) {
    for (const entry of store.keys()) {
      if (out.length >= MAX_CSCAS) break;
      if (!entry.certificate) continue;
      let csca = cache.get(entry);
      if (csca === undefined) {
        csca = toCsca(entry.certificate, entry);
        cache.set(entry, csca);
      }
      if (csca) out.push(csca);
    }
  }
  for (const item of looseCscas(options)) {
    if (out.length >= MAX_CSCAS) break;
    const der = typeof item === 'string' ? derOf(item) : item;
    const csca = der ? toCsca(der) : null;
    if (!csca) throw new Error('a CSCA certificate is not a readable X.509 certificate');
    out.push(csca);
  }
  return out;
}

/** The trust-store entry whose certificate is the signer certificate itself (byte for byte), as a trust anchor. */
function directlyTrusted(options: VerifyVdsncOptions, der: Uint8Array, signer: CertificateInfo): Csca | undefined {
  const store = trustStoreOf(options);
  if (!store) return undefined;
  let seen = 0;
  for (const entry of store.keys()) {
    if (!entry.certificate) continue;
    if (++seen > MAX_CSCAS) break;
    if (sameBytes(entry.certificate, der))
      return {
        x509: signer.certificate,
        validFrom: signer.validFrom,
        validUntil: signer.validUntil,
        entry,
        direct: true,
      };
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function toCsca(der: Uint8Array, entry?: TrustedKey): Csca | null {
  try {
    const info = parseCertificate(der);
    return {
      x509: info.certificate,
      validFrom: info.validFrom,
      validUntil: info.validUntil,
      ...(entry ? { entry } : {}),
    };
  } catch {
    return null;
  }
}

function derOf(text: string): Uint8Array | undefined {
  if (text.length > 65_536) return undefined;
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  const body = (pem ? pem[1]! : text).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) return undefined;
  try {
    return base64Decode(body.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/** ICAO 9303 writes Germany as `D<<`; ISO as DEU. */
function sameCountry(a: string, b: string): boolean {
  const norm = (c: string) => (c === 'D<<' ? 'DEU' : c);
  return norm(a) === norm(b);
}

function within(at: Date, from: Date, until: Date): boolean {
  return at.getTime() >= from.getTime() && at.getTime() <= until.getTime();
}

function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function failure(name: Check['name'], err: unknown, fallback: string): Check {
  return { name, ok: false, code: isVdsncError(err) ? err.code : fallback, message: message(err) };
}
