/**
 * WHO Digital Vaccination Certificates: the EU DCC's envelope (`HC1:`, zlib, COSE_Sign1, CWT) with the payload under
 * HCERT sub-claim -6. Decoding, verifying and signing reuse the DCC code paths; only the payload, its schema and its
 * validity rules differ.
 */
import {
  isPlatformUnsupportedError,
  type CheckName,
  type FormatVerificationResult,
  type TrustedKey,
  type TrustOption,
  type TrustStore,
} from '@divoc/keys';
import type { DccAlgorithm } from '../cose/cose.js';
import { HCERT_WHO_DVC } from '../cwt/claims.js';
import { decodeDccForVerification, decodeHcert, type DccVerificationInput, type DecodedDcc } from '../hc1/decode.js';
import { encodeHcert, type EncodeDccOptions, type HcertForm } from '../hc1/encode.js';
import { checkSignature, checkTrust, failed, ok, run, within, type SignatureOutcome } from '../hc1/verify.js';
import {
  DccCwtError,
  DccInputError,
  DccKeyNotTrustedError,
  DccKeyUsageError,
  DccSignerCertificateExpiredError,
  DvcExpiredError,
  DvcNotYetValidError,
  DvcSchemaError,
} from '../lib/errors.js';
import type { DccPayload } from '../types.js';
import { dvcProfileOf, dvcVaccinations, validateDvcPayload, type DvcPayload, type DvcProfile } from './payload.js';

/**
 * A decoded (not verified) WHO DVC: the payload, its profile and the envelope facts (what `decodeDcc` gives for a DCC,
 * without the DCC certificate type and the header each field came from).
 */
export interface DecodedDvc extends Omit<DecodedDcc, 'payload' | 'type' | 'kidHeader' | 'algHeader'> {
  /** The DVC payload (HCERT -260 → -6), unverified. */
  payload: DvcPayload;
  /** `icvp` when the payload follows the ICVP profile (product catalogue ids), else `dvc`. */
  profile: DvcProfile;
}

/**
 * Decode a WHO DVC without verifying it: `HC1:` text (or its UTF-8 bytes), or COSE bytes. Throws the DCC's typed
 * errors (`ERR_DCC_PREFIX_INVALID`, `ERR_DCC_BASE45_INVALID`, `ERR_DCC_COMPRESSION_INVALID`, `ERR_DCC_COSE_INVALID`,
 * `ERR_DCC_CWT_INVALID` (also when the hcert claim holds no DVC), `ERR_DCC_INPUT_INVALID`).
 */
export function decodeDvc(input: string | Uint8Array): DecodedDvc {
  const {
    payload,
    type: _type,
    kidHeader: _kidHeader,
    algHeader: _algHeader,
    ...envelope
  } = decodeHcert(input, HCERT_WHO_DVC);
  const dvc = payload as unknown as DvcPayload;
  return { ...envelope, payload: dvc, profile: dvcProfileOf(dvc) };
}

/** Options of `verifyDvc`: the same trusted signers as the EU DCC (by kid), the clock and the policy. */
export interface VerifyDvcOptions {
  /** Trusted signer keys, looked up by the base64 kid (a `Trust`'s store or a `TrustStore`). */
  trust?: TrustOption<TrustStore>;
  /** Extra trusted signer certificates (PEM, base64 DER or DER), looked up by their kid. */
  certificates?: ReadonlyArray<string | Uint8Array>;
  /** Validation clock (default: now). */
  now?: Date;
  policy?: {
    /** Accept a signer certificate whose window ended, if it was valid at `iat` (default false). */
    acceptExpiredKeys?: boolean;
    /** Tolerance for an issuer clock ahead of ours, seconds (default 60, at most 3600). */
    clockToleranceSeconds?: number;
  };
}

/** What `verifyDvc` found: the checks, the payload, the profile and the envelope facts. */
export interface DvcVerificationResult extends FormatVerificationResult<DvcProfile, DvcPayload> {
  profile?: DvcProfile;
  kid?: string;
  alg?: DccAlgorithm;
  issuedAt?: Date;
  expiresAt?: Date;
  /** The trusted key (signer certificate) whose signature verified. */
  signer?: TrustedKey;
}

const DAY_SECONDS = 86_400;
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

/**
 * A DVC has no `exp`: its validity is the vaccination's certificate validity period (`vls` from the start of that day,
 * `vle` to the end of it, UTC), an `exp` when an issuer adds one, and `iat` not after the clock. With several
 * vaccinations (ICVP), the certificate is valid when one of them is within its period. Then, as for the DCC, the signer
 * certificate's window at `now` (or at `iat` under `acceptExpiredKeys`).
 */
function checkDvcValidity(
  decoded: DccVerificationInput,
  outcome: SignatureOutcome,
  now: Date,
  options: VerifyDvcOptions,
): string | void {
  const t = now.getTime() / 1000;
  const policy = options.policy ?? {};
  const tolerance = policy.clockToleranceSeconds;
  const skew = typeof tolerance === 'number' && tolerance >= 0 ? Math.min(tolerance, 3600) : 60;
  if (decoded.iat === undefined) throw new DccCwtError('the CWT has no iat (issued at) claim');
  if (decoded.iat > t + skew)
    throw new DvcNotYetValidError(
      `issued ${new Date(decoded.iat * 1000).toISOString()}, after the validation clock ${now.toISOString()}`,
    );
  if (decoded.exp !== undefined && decoded.exp < t)
    throw new DvcExpiredError(
      `expired ${new Date(decoded.exp * 1000).toISOString()}, before the validation clock ${now.toISOString()}`,
    );
  const periods = dvcVaccinations(decoded.payload).map((v) => ({
    start: typeof v.vls === 'string' ? dayStart(v.vls) : Number.NEGATIVE_INFINITY,
    end: typeof v.vle === 'string' ? dayStart(v.vle) + DAY_SECONDS : Number.POSITIVE_INFINITY,
    vls: v.vls,
    vle: v.vle,
  }));
  const current = periods.filter((p) => !(p.start > t + skew) && !(p.end <= t));
  if (periods.length > 0 && current.length === 0) {
    const p = periods[0]!;
    if (p.start > t)
      throw new DvcNotYetValidError(`the certificate is valid from ${String(p.vls)}, after ${now.toISOString()}`);
    throw new DvcExpiredError(`the certificate was valid until ${String(p.vle)}, before ${now.toISOString()}`);
  }
  const key = outcome.verifiedBy ?? outcome.candidates[0];
  if (key && !within(key, now)) {
    if (!(policy.acceptExpiredKeys && within(key, new Date(decoded.iat * 1000)))) {
      const window = `${key.validFrom?.toISOString() ?? '…'} – ${key.validUntil?.toISOString() ?? '…'}`;
      throw new DccSignerCertificateExpiredError(
        `signer certificate ${key.id} is valid ${window}, not at ${now.toISOString()}`,
      );
    }
  }
  const p = current[0];
  return p && (p.vls !== undefined || p.vle !== undefined)
    ? `valid ${String(p.vls ?? '…')} – ${String(p.vle ?? '…')}`
    : undefined;
}

/**
 * Key usage of a DVC signer. DVC signers are not bound to the EU DCC extended key usage OIDs, so a certificate
 * without them may sign a DVC. A certificate that carries them was restricted to EU DCC types: it may sign a DVC (a
 * vaccination record) only when it may sign vaccinations.
 */
function checkDvcKeyUsage(outcome: SignatureOutcome): string | void {
  const key = outcome.verifiedBy ?? outcome.candidates[0];
  if (!key) throw new DccKeyNotTrustedError('no signer certificate to read the key usage from');
  const dcc = (key.purposes ?? []).filter((p) => p.startsWith('dcc-'));
  if (dcc.length === 0) return 'signer certificate restricts no certificate type';
  if (!dcc.includes('dcc-vaccination'))
    throw new DccKeyUsageError(`signer certificate may sign ${dcc.join(', ')} only, not a vaccination certificate`);
}

function checkDvcSchema(payload: unknown, profile: DvcProfile): void {
  const issues = validateDvcPayload(payload, profile);
  if (issues.length > 0) {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new DvcSchemaError(`${head}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
  }
}

/**
 * Verify a WHO DVC (`HC1:` text, its UTF-8 bytes, or COSE bytes) against the same trusted signer certificates as the
 * EU DCC, by kid. Never throws for bad input. Checks, in order: `decode`, `signature` (ES256 / PS256, the kid's
 * certificate), `trust` (a trusted certificate has the kid; the CWT iss is a country it is trusted for), `validity`
 * (see the DVC validity rules: `vls`/`vle`, `iat`, an `exp` if any, the signer certificate's window), `key-usage`,
 * `schema` (WHO's DVC logical model, or its ICVP profile).
 */
export async function verifyDvc(
  input: string | Uint8Array,
  options: VerifyDvcOptions = {},
): Promise<DvcVerificationResult> {
  const opts = options ?? {};
  const result: DvcVerificationResult = { valid: false, format: 'dvc', checks: [] };
  const now = opts.now ?? new Date();
  const fail = (name: CheckName, error: unknown) => result.checks.push(failed(name, error));
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    fail('decode', new DccInputError('options.now must be a valid Date'));
    return result;
  }
  let decoded: DccVerificationInput;
  try {
    decoded = decodeDccForVerification(input, {}, HCERT_WHO_DVC);
  } catch (error) {
    fail('decode', error);
    return result;
  }
  const payload = decoded.payload as unknown as DvcPayload;
  const profile = dvcProfileOf(payload);
  result.format = profile;
  result.profile = profile;
  result.checks.push(ok('decode'));
  result.payload = payload;
  if (decoded.iss !== undefined) result.issuer = decoded.iss;
  if (decoded.kid !== undefined) result.kid = decoded.kid;
  if (decoded.alg !== undefined) result.alg = decoded.alg;
  if (decoded.iat !== undefined) result.issuedAt = new Date(decoded.iat * 1000);
  if (decoded.exp !== undefined) result.expiresAt = new Date(decoded.exp * 1000);
  const outcome: SignatureOutcome = { candidates: [] };
  try {
    await checkSignature(
      decoded,
      {
        ...(opts.trust ? { trust: opts.trust } : {}),
        ...(opts.certificates ? { certificates: opts.certificates } : {}),
      },
      now,
      outcome,
    );
    result.checks.push(ok('signature'));
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    fail('signature', error);
  }
  if (outcome.verifiedBy) result.signer = outcome.verifiedBy;
  result.checks.push(run('trust', () => checkTrust(decoded, outcome)));
  result.checks.push(run('validity', () => checkDvcValidity(decoded, outcome, now, opts)));
  result.checks.push(run('key-usage', () => checkDvcKeyUsage(outcome)));
  result.checks.push(run('schema', () => checkDvcSchema(payload, profile)));
  result.valid = result.checks.every((c) => c.ok);
  return result;
}

/** Options of `encodeDvc`: those of `encodeDcc`, but a DVC has no expiry by default and no EU value sets. */
export interface EncodeDvcOptions extends Omit<EncodeDccOptions, 'exp' | 'validate' | 'valueSets'> {
  /** Expiry: none by default (WHO's DVC has none; its validity is `v.vls` / `v.vle`). */
  exp?: Date | number;
  /** Check the payload against the DVC schema first (default true). */
  validate?: boolean;
}

/** A signed DVC: the `HC1:` text and the COSE message. */
export interface EncodedDvc {
  hc1: string;
  coseBytes: Uint8Array;
  /** Base64 kid in the protected header. */
  kid: string;
  alg: DccAlgorithm;
  iat: number;
  exp?: number;
}

const DVC_FORM: HcertForm = {
  sub: HCERT_WHO_DVC,
  validate(payload) {
    checkDvcSchema(payload, dvcProfileOf(payload));
  },
  defaultExp: false,
};

/**
 * Sign a DVC payload and encode it as `HC1:` text: CWT claims (iss 1, iat 6, exp 4 only when given, hcert -260 →
 * { -6: DVC }), COSE_Sign1 with alg and kid in the protected header, zlib, Base45, prefix. Throws `DvcSchemaError`
 * for a payload WHO's DVC model refuses, and the DCC's encoding errors.
 */
export async function encodeDvc(payload: DvcPayload, options: EncodeDvcOptions): Promise<EncodedDvc> {
  return encodeHcert(payload as unknown as DccPayload, options, DVC_FORM);
}
