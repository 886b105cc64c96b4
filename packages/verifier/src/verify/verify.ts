import { isTrustedKeyValidAt, type Check, type CheckName, type TrustedKey } from '@divoc/keys';
import { decodeDcc, verifyDcc } from '@divoc/dcc';
import { decodeDivocQr } from '@divoc/qr';
import { verifyShc, type ShcInput } from '@divoc/shc';
import { checkDivocRevocation, checkShcRevocation, checkStatus, dccRevocationHashes, divocCertificateId, isDccRevoked, type DccRevocationInput } from '@divoc/status';
import { decodeCompactCredential, verifyCredential } from '@divoc/vc';
import { verifyVdsnc } from '@divoc/vdsnc';
import { isObject, type Json } from '../lib/bytes.js';
import { VerifierOptionsError } from '../lib/errors.js';
import { summarize } from '../summary/summary.js';
import { Trust } from '../trust/trust.js';
import type { CredentialFormat, VerificationDetails, VerificationResult, VerifyInput, VerifyOptions } from '../types.js';
import { DEFAULT_LIMITS, isFailure, prepareInput, type Detected } from './input.js';

const CHECK_ORDER: readonly CheckName[] = ['decode', 'signature', 'trust', 'validity', 'key-usage', 'schema', 'revocation'];

interface Context {
  trust: Trust;
  now: Date;
  options: VerifyOptions;
}

interface Outcome {
  format: CredentialFormat;
  checks: Check[];
  credential?: unknown;
  issuer?: string;
  details: VerificationDetails;
}

const passed = (name: CheckName, message?: string): Check => (message === undefined ? { name, ok: true } : { name, ok: true, message });
const failed = (name: CheckName, code: string, message: string): Check => ({ name, ok: false, code, message });

function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]+$/.test(code) ? code : fallback;
}
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function replaceCheck(checks: Check[], name: CheckName, check: Check): void {
  const i = checks.findIndex((c) => c.name === name);
  if (i >= 0) checks[i] = check;
  else checks.push(check);
}

/** The first failure, else one passing check carrying every note. */
function combine(parts: Check[]): Check {
  const bad = parts.find((c) => !c.ok);
  if (bad) return { ...bad, name: 'revocation' };
  const notes = parts.map((c) => c.message).filter((m): m is string => typeof m === 'string' && m.length > 0);
  return passed('revocation', notes.length > 0 ? notes.join('; ') : undefined);
}

const requireRevocation = (ctx: Context): boolean => ctx.options.policy?.requireRevocationData === true;
const acceptExpired = (ctx: Context): boolean => ctx.options.policy?.acceptExpiredKeys === true;
const listOf = (value: readonly unknown[] | undefined): readonly unknown[] => (Array.isArray(value) ? value : []);

/* ------------------------------------------------------------------ W3C VC, compact VC, DIVOC QR */

async function vcRevocation(credential: Json, ctx: Context): Promise<Check | undefined> {
  const revocation = ctx.options.revocation ?? {};
  const statusLists = listOf(revocation.statusLists);
  const divocLists = listOf(revocation.divoc);
  const hasStatus = credential.credentialStatus !== undefined;
  const parts: Check[] = [];
  if (hasStatus && statusLists.length > 0) {
    parts.push(await checkStatus(credential, { statusLists, trustStore: ctx.trust.store, now: ctx.now }));
  } else if (hasStatus && requireRevocation(ctx)) {
    parts.push(failed('revocation', 'ERR_STATUS_LIST_MISSING', 'the credential has a credentialStatus, and no status list was given (lists are never fetched)'));
  }
  if (divocLists.length > 0 && divocCertificateId(credential) !== undefined) {
    for (const list of divocLists) parts.push(checkDivocRevocation(credential, list as never));
  }
  if (parts.length === 0) {
    return requireRevocation(ctx) ? failed('revocation', 'ERR_STATUS_LIST_MISSING', 'no revocation data covers this credential (no credentialStatus, no DIVOC list)') : undefined;
  }
  return combine(parts);
}

/** Key windows apply now as well as at signing time, unless the policy accepts expired keys (historical checks). */
function applyKeyWindowNow(checks: Check[], keys: readonly TrustedKey[], ctx: Context, code: string): void {
  const trust = checks.find((c) => c.name === 'trust');
  if (!trust?.ok || keys.length === 0 || acceptExpired(ctx)) return;
  if (keys.some((k) => isTrustedKeyValidAt(k, ctx.now))) return;
  const key = keys[0]!;
  const window = `${key.validFrom ? key.validFrom.toISOString() : '…'} to ${key.validUntil ? key.validUntil.toISOString() : '…'}`;
  replaceCheck(checks, 'trust', failed('trust', code, `key ${key.id} is valid ${window}, not at ${ctx.now.toISOString()} (policy acceptExpiredKeys allows historical checks)`));
}

async function verifyVcFamily(format: 'w3c-vc' | 'vc-compact' | 'divoc-qr', credential: unknown, details: VerificationDetails, ctx: Context): Promise<Outcome> {
  const result = await verifyCredential(credential, { trustStore: ctx.trust.store, now: ctx.now });
  const checks = [...result.checks];
  const out: Outcome = { format, checks, details: { ...details } };
  if (result.suite !== undefined) out.details.suite = result.suite;
  if (result.verificationMethod !== undefined) out.details.verificationMethod = result.verificationMethod;
  if (result.issuer !== undefined) out.issuer = result.issuer;
  if (!result.credential) return out;
  out.credential = result.credential;
  const trust = checks.find((c) => c.name === 'trust');
  const signature = checks.find((c) => c.name === 'signature');
  if (trust && !trust.ok && trust.code === 'ERR_VC_KEY_EXPIRED' && signature?.ok && acceptExpired(ctx)) {
    replaceCheck(checks, 'trust', passed('trust', `${trust.message ?? 'key outside its validity window'}; accepted by policy (acceptExpiredKeys)`));
  }
  if (result.verificationMethod !== undefined) applyKeyWindowNow(checks, ctx.trust.store.resolve(result.verificationMethod), ctx, 'ERR_VC_KEY_EXPIRED');
  const revocation = await vcRevocation(result.credential as Json, ctx);
  if (revocation) checks.push(revocation);
  return out;
}

/* ------------------------------------------------------------------ EU DCC */

function dccRevocation(payload: string | Uint8Array, ctx: Context): Check | undefined {
  const lists = listOf(ctx.options.revocation?.dcc);
  if (lists.length === 0) {
    return requireRevocation(ctx) ? failed('revocation', 'ERR_STATUS_LIST_MISSING', 'no DCC revocation list was given (lists are never fetched)') : undefined;
  }
  const decoded = decodeDcc(payload);
  if (decoded.kid === undefined) return failed('revocation', 'ERR_STATUS_ENTRY_INVALID', 'the DCC names no kid; revocation lists are per kid');
  const entry = [decoded.payload.v, decoded.payload.t, decoded.payload.r].find((group) => Array.isArray(group) && group.length > 0)?.[0] as { ci?: unknown } | undefined;
  const input: DccRevocationInput = {};
  if (typeof entry?.ci === 'string' && entry.ci.length > 0 && entry.ci.length <= 256) input.uci = entry.ci;
  if (input.uci !== undefined && typeof decoded.iss === 'string' && /^[A-Z]{2}$/.test(decoded.iss)) input.country = decoded.iss;
  const alg = decoded.alg ?? decoded.algId;
  if (alg !== undefined && decoded.signature.length > 0 && decoded.signature.length <= 1024) {
    input.coseSignature = decoded.signature;
    input.alg = alg;
  }
  let hashes;
  try {
    hashes = dccRevocationHashes(input);
  } catch {
    // An algorithm the hashes do not cover: check what the UCI gives.
    const { coseSignature: _s, alg: _a, ...rest } = input;
    hashes = dccRevocationHashes(rest);
  }
  return isDccRevoked(lists as never, { kid: decoded.kid, hashes });
}

async function verifyDccFormat(payload: string | Uint8Array, details: VerificationDetails, ctx: Context): Promise<Outcome> {
  const result = await verifyDcc(payload, {
    trustStore: ctx.trust.store,
    now: ctx.now,
    ...(acceptExpired(ctx) ? { policy: { acceptExpiredSignerCertificate: true } } : {}),
  });
  const out: Outcome = { format: 'dcc', checks: [...result.checks], details: { ...details } };
  if (result.alg !== undefined) out.details.suite = result.alg;
  if (result.kid !== undefined) out.details.verificationMethod = result.kid;
  if (result.issuedAt) out.details.issuedAt = result.issuedAt.toISOString();
  if (result.expiresAt) out.details.expiresAt = result.expiresAt.toISOString();
  if (result.issuer !== undefined) out.issuer = result.issuer;
  if (result.payload === undefined) return out;
  out.credential = result.payload;
  try {
    const revocation = dccRevocation(payload, ctx);
    if (revocation) out.checks.push(revocation);
  } catch (error) {
    out.checks.push(failed('revocation', errorCode(error, 'ERR_STATUS_ENTRY_INVALID'), `revocation check: ${errorMessage(error)}`));
  }
  return out;
}

/* ------------------------------------------------------------------ SMART Health Cards */

async function verifyShcFormat(payload: ShcInput, details: VerificationDetails, ctx: Context): Promise<Outcome> {
  // `policy` is recent in @divoc/shc; typed locally so an older build of it still type-checks this call.
  const shcOptions: Parameters<typeof verifyShc>[1] & { policy?: { acceptExpiredKeys?: boolean } } = {
    trustStore: ctx.trust.store,
    now: ctx.now,
    policy: { acceptExpiredKeys: acceptExpired(ctx) },
  };
  const result = await verifyShc(payload, shcOptions);
  const out: Outcome = { format: 'shc', checks: [...result.checks], details: { ...details } };
  if (result.header) {
    out.details.suite = result.header.alg;
    out.details.verificationMethod = result.header.kid;
  }
  if (result.jws !== undefined) out.details.jws = result.jws;
  if (result.issuer !== undefined) out.issuer = result.issuer;
  if (!result.payload || !result.header) return out;
  out.credential = result.payload;
  if (result.keyId !== undefined) {
    const id = result.keyId;
    const keys = ctx.trust.store.resolve(id).filter((k) => k.id === id);
    applyKeyWindowNow(out.checks, keys, ctx, 'ERR_SHC_KEY_EXPIRED');
  }
  const crls: unknown[] = [...ctx.trust.shcRevocationLists, ...listOf(ctx.options.revocation?.shc)];
  const kid = result.header.kid;
  if (crls.length > 0 || requireRevocation(ctx)) {
    const crlVersion = ctx.trust.crlVersion(result.payload.iss, kid);
    let check = checkShcRevocation(
      { kid, ...(result.payload.vc.rid !== undefined ? { rid: result.payload.vc.rid } : {}), issuedAt: result.payload.nbf },
      { crls, ...(crlVersion !== undefined ? { crlVersion } : {}) },
    );
    const listed = crls.some((c) => (isObject(c) ? c.kid === kid : typeof c === 'string' && c.includes(kid)));
    if (check.ok && !listed && requireRevocation(ctx)) {
      check = failed('revocation', 'ERR_STATUS_LIST_MISSING', `no revocation list for key ${kid} was given (lists are never fetched)`);
    }
    out.checks.push(check);
  }
  return out;
}

/* ------------------------------------------------------------------ ICAO VDS-NC */

async function verifyVdsncFormat(payload: Json, details: VerificationDetails, ctx: Context): Promise<Outcome> {
  const result = await verifyVdsnc(payload, { cscaCertificates: ctx.trust.cscaCertificates, now: ctx.now });
  const out: Outcome = { format: 'vdsnc', checks: [...result.checks], details: { ...details } };
  if (result.issuer !== undefined) out.issuer = result.issuer;
  if (result.payload === undefined) return out;
  out.credential = result.payload;
  const sig = isObject(payload.sig) ? payload.sig : {};
  if (typeof sig.alg === 'string') out.details.suite = sig.alg.slice(0, 16);
  const validity = out.checks.find((c) => c.name === 'validity');
  const signatureAndChain = out.checks.filter((c) => c.name === 'signature' || c.name === 'trust').every((c) => c.ok);
  if (validity && !validity.ok && validity.code === 'ERR_VDSNC_CERTIFICATE_EXPIRED' && signatureAndChain && acceptExpired(ctx)) {
    // A seal carries no signing time: the policy accepts certificates expired since, on the operator's say-so.
    replaceCheck(out.checks, 'validity', passed('validity', `${validity.message ?? 'certificate expired'}; accepted by policy (acceptExpiredKeys)`));
  }
  if (requireRevocation(ctx)) out.checks.push(failed('revocation', 'ERR_STATUS_LIST_MISSING', 'VDS-NC seals have no revocation mechanism, so no revocation data can cover this one'));
  return out;
}

/* ------------------------------------------------------------------ dispatch */

async function verifyDetected(detected: Detected, ctx: Context): Promise<Outcome> {
  switch (detected.format) {
    case 'w3c-vc':
      return verifyVcFamily('w3c-vc', detected.payload, detected.details, ctx);
    case 'vc-compact': {
      let credential;
      try {
        credential = decodeCompactCredential(detected.payload);
      } catch (error) {
        return { format: 'vc-compact', details: detected.details, checks: [failed('decode', errorCode(error, 'ERR_COMPACT_FORMAT'), errorMessage(error))] };
      }
      return verifyVcFamily('vc-compact', credential, detected.details, ctx);
    }
    case 'divoc-qr': {
      const raw = detected.payload;
      let decoded;
      try {
        decoded = decodeDivocQr(typeof raw === 'string' || raw instanceof Uint8Array ? raw : JSON.stringify(raw));
      } catch (error) {
        return { format: 'divoc-qr', details: detected.details, checks: [failed('decode', errorCode(error, 'ERR_DIVOC_QR_MALFORMED'), errorMessage(error))] };
      }
      return verifyVcFamily('divoc-qr', decoded.credential, { ...detected.details, variant: decoded.variant }, ctx);
    }
    case 'dcc':
      return verifyDccFormat(detected.payload, detected.details, ctx);
    case 'shc':
      return verifyShcFormat(detected.payload as ShcInput, detected.details, ctx);
    case 'vdsnc':
      return verifyVdsncFormat(detected.payload, detected.details, ctx);
  }
}

function sortChecks(checks: Check[]): Check[] {
  return checks
    .map((check, i) => ({ check, i, rank: CHECK_ORDER.indexOf(check.name) }))
    .sort((a, b) => (a.rank === -1 ? 99 : a.rank) - (b.rank === -1 ? 99 : b.rank) || a.i - b.i)
    .map(({ check }) => check);
}

function unknownResult(code: string, message: string, format: VerificationResult['format'] = 'unknown', details?: VerificationDetails): VerificationResult {
  return {
    format,
    valid: false,
    issuer: null,
    summary: { event: 'other' },
    checks: [failed('decode', code, message)],
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
  };
}

function checkOptions(options: VerifyOptions): Context {
  if (!isObject(options)) throw new VerifierOptionsError('verify(input, options): options with a `trust` are required');
  if (!(options.trust instanceof Trust)) throw new VerifierOptionsError('options.trust must be a Trust (new Trust(), then trust.add(...))');
  if (options.now !== undefined && (!(options.now instanceof Date) || Number.isNaN(options.now.getTime()))) throw new VerifierOptionsError('options.now must be a valid Date');
  if (options.formats !== undefined && !Array.isArray(options.formats)) throw new VerifierOptionsError('options.formats must be an array of format names');
  return { trust: options.trust, now: options.now ?? new Date(), options };
}

/**
 * Verify a health credential in any supported format: W3C VC JSON, `DIVOC1:` compact VC, DIVOC QR (ZIP as binary
 * string or bytes, `B64:`, plain JSON), EU DCC (`HC1:`), SMART Health Card (`shc:/` text, chunks as an array or one
 * per line, JWS, `.smart-health-card` file), ICAO VDS-NC seal, or a PNG / JPEG / SVG image of any of those QR codes
 * (several SHC chunk codes, in one image or several, are reassembled).
 *
 * Never throws for bad input: every failure is a check with a stable code, and `valid` is true only when every check
 * passed. Throws `VerifierOptionsError` only for unusable options (no `Trust`), a programming error.
 */
export async function verify(input: VerifyInput, options: VerifyOptions): Promise<VerificationResult> {
  const ctx = checkOptions(options);
  const limits = { ...DEFAULT_LIMITS, ...(isObject(options.limits) ? options.limits : {}) };
  const prepared = prepareInput(input, limits);
  if (isFailure(prepared)) return unknownResult(prepared.code, prepared.message);
  if (options.formats !== undefined && !options.formats.includes(prepared.format)) {
    return unknownResult('ERR_FORMAT_DISABLED', `input is ${prepared.format}, which this verifier does not accept (formats: ${options.formats.join(', ') || 'none'})`, prepared.format, prepared.details);
  }
  let outcome: Outcome;
  try {
    outcome = await verifyDetected(prepared, ctx);
  } catch (error) {
    // Format verifiers report rather than throw; if one does, it is still a failed verification of this input only.
    return unknownResult(errorCode(error, 'ERR_VERIFY_FAILED'), errorMessage(error), prepared.format, prepared.details);
  }
  const checks = sortChecks(outcome.checks);
  const result: VerificationResult = {
    format: outcome.format,
    valid: checks.length > 0 && checks.every((c) => c.ok),
    issuer: outcome.issuer ?? null,
    summary: outcome.credential !== undefined ? summarize(outcome.format, outcome.credential) : { event: 'other' },
    checks,
  };
  const issuerName = outcome.issuer !== undefined ? ctx.trust.issuerName(outcome.issuer) : undefined;
  if (issuerName !== undefined) result.issuerName = issuerName;
  if (outcome.credential !== undefined) result.credential = outcome.credential;
  if (Object.keys(outcome.details).length > 0) result.details = outcome.details;
  return result;
}
