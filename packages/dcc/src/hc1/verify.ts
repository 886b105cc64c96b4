import {
  isPlatformUnsupportedError,
  algorithmMatchesKeyType,
  bindIssuer,
  trustedKeyIssuers,
  TrustStore,
  trustStoreOf,
  verifySignature,
  type Check,
  type CheckName,
  type FormatVerificationResult,
  type KeyPurpose,
  type TrustedKey,
  type TrustOption,
} from '@divoc/keys';
import { type DccAlgorithm } from '../cose/cose.js';
import { CborWriter, writeSigStructure } from '../lib/cbor-writer.js';
import {
  DccAlgorithmError,
  DccCertificateError,
  DccCwtError,
  DccError,
  DccExpiredError,
  DccInputError,
  DccIssuerMismatchError,
  DccKeyNotTrustedError,
  DccKeyUsageError,
  DccNotYetValidError,
  DccSchemaError,
  DccSignatureError,
  DccSignerCertificateExpiredError,
} from '../lib/errors.js';
import { validateDccPayload } from '../schema/validate.js';
import type { DccCertificateType, DccPayload } from '../types.js';
import { decodeDccForVerification, type DccVerificationInput } from './decode.js';

/** What `verifyDcc` may accept beyond the strict rules. */
export interface DccVerificationPolicy {
  /**
   * Accept a signer certificate that has expired (or is not yet valid) at the validation clock, as long as it was
   * valid when the DCC was issued (`iat`). Default false. The same name as the verifier's policy.
   */
  acceptExpiredKeys?: boolean;
  /** @deprecated use `acceptExpiredKeys` */
  acceptExpiredSignerCertificate?: boolean;
  /** Check codes against the EU value sets in the `schema` check (default true). */
  valueSets?: boolean;
  /**
   * Run the `schema` check (default true). When false the check is left out of the result: for callers that
   * validate the payload elsewhere, or that only want the signature, trust and validity checks.
   */
  schema?: boolean;
  /** Accept a Base45 body that is not zlib-compressed (default false; see `DecodeDccOptions`). */
  allowUncompressed?: boolean;
  /** Tolerance for an issuer clock ahead of ours: `iat` may be this many seconds after `now` (default 60). */
  clockToleranceSeconds?: number;
  /** @deprecated use `clockToleranceSeconds` */
  clockSkewSeconds?: number;
}

/** Options of `verifyDcc`: the trusted signers, the clock and the policy. */
export interface VerifyDccOptions {
  /**
   * Trusted signer keys, looked up by the base64 kid: the verifier's `Trust`, or a `TrustStore` (keys from
   * `addCertificate` / `loadDccSignerList`).
   */
  trust?: TrustOption<TrustStore>;
  /** @deprecated use `trust` */
  trustStore?: TrustStore;
  /** Extra trusted signer certificates (PEM, base64 DER or DER), looked up by their kid. */
  certificates?: ReadonlyArray<string | Uint8Array>;
  /** Validation clock (default: now). */
  now?: Date;
  policy?: DccVerificationPolicy;
}

export interface DccVerificationResult extends FormatVerificationResult<'dcc', DccPayload> {
  /** Base64 kid the message names. */
  kid?: string;
  alg?: DccAlgorithm;
  certificateType?: DccCertificateType;
  issuedAt?: Date;
  expiresAt?: Date;
  /** The trusted key (signer certificate) whose signature verified. */
  signer?: TrustedKey;
}

const PURPOSE_OF_TYPE: Record<DccCertificateType, KeyPurpose> = {
  v: 'dcc-vaccination',
  t: 'dcc-test',
  r: 'dcc-recovery',
};
const DCC_PURPOSES: readonly string[] = Object.values(PURPOSE_OF_TYPE);
const TYPE_NAME: Record<DccCertificateType, string> = { v: 'vaccination', t: 'test', r: 'recovery' };

/** Internal (shared with the DVC): a passed check. */
export function ok(name: CheckName, message?: string): Check {
  return message === undefined ? { name, ok: true } : { name, ok: true, message };
}

/** Internal: a failed check from a thrown error. */
export function failed(name: CheckName, error: unknown): Check {
  if (error instanceof DccError) return { name, ok: false, code: error.code, message: error.message };
  return {
    name,
    ok: false,
    code: 'ERR_DCC_INPUT_INVALID',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Internal: runs one check. */
export function run(name: CheckName, fn: () => string | void): Check {
  try {
    const message = fn();
    return ok(name, message === undefined ? undefined : message);
  } catch (error) {
    return failed(name, error);
  }
}

/** Keys answering to the kid, from the store and from the loose certificates, without duplicates. */
function candidatesFor(kid: string, options: VerifyDccOptions): TrustedKey[] {
  const found: TrustedKey[] = [];
  try {
    found.push(...(trustStoreOf(options)?.resolve(kid) ?? []));
  } catch {
    // a broken store answers nothing
  }
  if (options.certificates?.length) {
    const loose = new TrustStore();
    options.certificates.forEach((cert, i) => {
      try {
        loose.addCertificate(cert);
      } catch (cause) {
        throw new DccCertificateError(
          `certificates[${i}] is not a usable signer certificate: ${(cause as Error).message}`,
          { cause },
        );
      }
    });
    found.push(...loose.resolve(kid));
  }
  return found;
}

const sigWriter = new CborWriter();

/** Internal: whether the key's window holds `at`. */
export function within(key: TrustedKey, at: Date): boolean {
  const t = at.getTime();
  return !((key.validFrom && t < key.validFrom.getTime()) || (key.validUntil && t > key.validUntil.getTime()));
}

/** Internal: the keys the kid named and the one that verified. */
export interface SignatureOutcome {
  candidates: TrustedKey[];
  verifiedBy?: TrustedKey;
}

/** Internal: COSE signature check (alg, kid, candidates, signature). */
export async function checkSignature(
  decoded: DccVerificationInput,
  options: VerifyDccOptions,
  now: Date,
  outcome: SignatureOutcome,
): Promise<void> {
  const { cose, alg, algId, kid } = decoded;
  if (alg === undefined) {
    throw new DccAlgorithmError(
      algId === undefined
        ? 'the COSE headers name no algorithm'
        : `algorithm ${String(algId)} is not supported (only ES256 -7 and PS256 -37)`,
    );
  }
  if (kid === undefined)
    throw new DccKeyNotTrustedError('the message names no kid; cannot choose a signer certificate');
  outcome.candidates = candidatesFor(kid, options);
  if (outcome.candidates.length === 0) throw new DccKeyNotTrustedError(`no trusted signer certificate has kid ${kid}`);
  const signature = cose.signature;
  if (signature.length === 0) throw new DccSignatureError('the signature is empty');
  if (alg === 'ES256' && signature.length !== 64)
    throw new DccSignatureError(`an ES256 signature is 64 bytes (r‖s); this one is ${signature.length}`);
  const fitting = outcome.candidates.filter((key) => algorithmMatchesKeyType(key.type, alg));
  if (fitting.length === 0) {
    throw new DccSignatureError(
      `algorithm ${alg} does not fit the signer's ${outcome.candidates[0]!.type} key (kid ${kid})`,
    );
  }
  const data = writeSigStructure(sigWriter, cose.protectedBytes, cose.payload);
  const verified: TrustedKey[] = [];
  // Several certificates may share a kid (8 bytes of a hash): try each.
  for (const key of fitting) {
    let good = false;
    try {
      good = await verifySignature(key, alg, data, signature);
    } catch (error) {
      // No WebCrypto here: nothing was checked, which is not a bad signature.
      if (isPlatformUnsupportedError(error)) throw error;
      good = false;
    }
    if (good) verified.push(key);
  }
  if (verified.length === 0) {
    throw new DccSignatureError(
      `signature does not verify under ` +
        `${fitting.length === 1 ? 'the signer certificate' : `any of ${fitting.length} certificates`} with kid ${kid}`,
    );
  }
  outcome.verifiedBy = verified.find((key) => within(key, now)) ?? verified[0]!;
}

/** Internal: the CWT iss against the key's issuers. */
export function checkTrust(decoded: DccVerificationInput, outcome: SignatureOutcome): string {
  const key = outcome.verifiedBy ?? outcome.candidates[0];
  if (!key)
    throw new DccKeyNotTrustedError(
      decoded.kid === undefined ? 'no kid to look up' : `no trusted signer certificate has kid ${decoded.kid}`,
    );
  // The CWT iss says which country issued the DCC; only a signer trusted for that country may say so. (The event's
  // country, v[0].co, is another matter: people are vaccinated abroad.)
  const binding = bindIssuer(trustedKeyIssuers(key), typeof decoded.iss === 'string' ? decoded.iss : undefined);
  if (binding.status === 'mismatch') {
    throw new DccIssuerMismatchError(
      `the DCC names issuer ${JSON.stringify(String(decoded.iss).slice(0, 200))} ` +
        `but signer ${key.id} is trusted for ${binding.identities.join(', ')} only`,
    );
  }
  return `signer ${key.id}${key.controller ? ` (${key.controller})` : ''}`;
}

function checkValidity(
  decoded: DccVerificationInput,
  outcome: SignatureOutcome,
  now: Date,
  policy: DccVerificationPolicy,
): void {
  const t = now.getTime() / 1000;
  if (decoded.iat === undefined) throw new DccCwtError('the CWT has no iat (issued at) claim');
  if (decoded.exp === undefined) throw new DccCwtError('the CWT has no exp (expiry) claim');
  const tolerance = policy.clockToleranceSeconds ?? policy.clockSkewSeconds;
  const skew = typeof tolerance === 'number' && tolerance >= 0 ? Math.min(tolerance, 3600) : 60;
  if (decoded.iat > t + skew)
    throw new DccNotYetValidError(
      `issued ${new Date(decoded.iat * 1000).toISOString()}, after the validation clock ${now.toISOString()}`,
    );
  if (decoded.exp < t)
    throw new DccExpiredError(
      `expired ${new Date(decoded.exp * 1000).toISOString()}, before the validation clock ${now.toISOString()}`,
    );
  const key = outcome.verifiedBy ?? outcome.candidates[0];
  if (key && !within(key, now)) {
    const issuedAt = new Date(decoded.iat * 1000);
    if (!((policy.acceptExpiredKeys ?? policy.acceptExpiredSignerCertificate) && within(key, issuedAt))) {
      const window = `${key.validFrom?.toISOString() ?? '…'} – ${key.validUntil?.toISOString() ?? '…'}`;
      throw new DccSignerCertificateExpiredError(
        `signer certificate ${key.id} is valid ${window}, not at ${now.toISOString()}`,
      );
    }
  }
}

function typesIn(payload: DccPayload): DccCertificateType[] {
  if (payload === null || typeof payload !== 'object') return [];
  return (['v', 't', 'r'] as const).filter((k) => Object.hasOwn(payload, k));
}

function checkKeyUsage(decoded: DccVerificationInput, outcome: SignatureOutcome): string | void {
  const key = outcome.verifiedBy ?? outcome.candidates[0];
  if (!key) throw new DccKeyNotTrustedError('no signer certificate to read the key usage from');
  const allowed = (key.purposes ?? []).filter((p) => DCC_PURPOSES.includes(p));
  // A certificate without DCC extended key usage may sign every type.
  if (allowed.length === 0) return 'signer certificate restricts no certificate type';
  for (const type of typesIn(decoded.payload)) {
    if (!allowed.includes(PURPOSE_OF_TYPE[type])) {
      throw new DccKeyUsageError(
        `signer certificate may sign ${allowed.join(', ')} only, not a ${TYPE_NAME[type]} certificate`,
      );
    }
  }
}

function checkSchema(decoded: DccVerificationInput, policy: DccVerificationPolicy): void {
  const issues = validateDccPayload(decoded.payload, { valueSets: policy.valueSets !== false });
  if (issues.length > 0) {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new DccSchemaError(`${head}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
  }
}

/**
 * Verify an EU DCC (`HC1:` text, its UTF-8 bytes, or COSE bytes). Never throws for bad input: each step is a check
 * with a stable code. Checks, in order: `decode`, `signature`, `trust` (a trusted signer certificate has the kid),
 * `validity` (CWT iat/exp and the signer certificate's window at `now`), `key-usage` (the certificate's DCC extended
 * key usage allows the certificate type), `schema` (DCC schema 1.3.3 and EU value sets; left out with
 * `policy.schema: false`).
 */
export async function verifyDcc(
  input: string | Uint8Array,
  options: VerifyDccOptions = {},
): Promise<DccVerificationResult> {
  const result: DccVerificationResult = { valid: false, format: 'dcc', checks: [] };
  const opts = options ?? {};
  const policy = opts.policy ?? {};
  const now = opts.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    result.checks.push(failed('decode', new DccInputError('options.now must be a valid Date')));
    return result;
  }
  let decoded: DccVerificationInput;
  try {
    decoded = decodeDccForVerification(input, { allowUncompressed: policy.allowUncompressed === true });
  } catch (error) {
    result.checks.push(failed('decode', error));
    return result;
  }
  result.checks.push(ok('decode'));
  result.payload = decoded.payload;
  if (decoded.iss !== undefined) result.issuer = decoded.iss;
  if (decoded.kid !== undefined) result.kid = decoded.kid;
  if (decoded.alg !== undefined) result.alg = decoded.alg;
  if (decoded.type !== undefined) result.certificateType = decoded.type;
  if (decoded.iat !== undefined) result.issuedAt = new Date(decoded.iat * 1000);
  if (decoded.exp !== undefined) result.expiresAt = new Date(decoded.exp * 1000);

  const outcome: SignatureOutcome = { candidates: [] };
  try {
    await checkSignature(decoded, opts, now, outcome);
    result.checks.push(ok('signature'));
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(failed('signature', error));
  }
  if (outcome.verifiedBy) result.signer = outcome.verifiedBy;
  result.checks.push(run('trust', () => checkTrust(decoded, outcome)));
  result.checks.push(run('validity', () => checkValidity(decoded, outcome, now, policy)));
  result.checks.push(run('key-usage', () => checkKeyUsage(decoded, outcome)));
  if (policy.schema !== false) result.checks.push(run('schema', () => checkSchema(decoded, policy)));
  result.valid = result.checks.every((c) => c.ok);
  return result;
}
