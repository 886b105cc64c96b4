import type { Check, CheckName } from '@divoc/keys';
import { FORMATS } from '@divoc/formats';
import {
  errorMessageOf,
  failedCheck,
  FormatRegistry,
  stableErrorCode,
  type CredentialFormatPlugin,
  type FormatEvidence,
} from '@divoc/schemas';
import { isObject } from '../lib/bytes.js';
import { VerifierOptionsError } from '../lib/errors.js';
import { revocationSubject } from '../revocation/handles.js';
import { decidePresentation, decideTrust, type TrustDecision } from '../trust/decide.js';
import { Trust } from '../trust/trust.js';
import type {
  VerificationDetails,
  VerificationResult,
  VerificationWarning,
  VerifyInput,
  VerifyOptions,
} from '../types.js';
import { DEFAULT_LIMITS, isFailure, prepareInput } from './input.js';

const CHECK_ORDER: readonly CheckName[] = [
  'decode',
  'signature',
  'trust',
  'validity',
  'key-usage',
  'schema',
  'revocation',
];

/** Code of the passing `revocation` check of a revocable credential for which no revocation data was at hand. */
export const WARN_REVOCATION_NOT_CHECKED = 'WARN_REVOCATION_NOT_CHECKED';

function summaryOf(plugin: CredentialFormatPlugin, credential: unknown): VerificationResult['summary'] {
  try {
    return plugin.summarize(credential);
  } catch {
    // A summary is a convenience; a credential that breaks it still gets its checks.
    return { event: 'other' };
  }
}

interface Context {
  trust: Trust;
  now: Date;
  options: VerifyOptions;
  registry: FormatRegistry;
}

/**
 * The `revocation` check, the same for every format: the data at hand decides when it covers the credential; a
 * credential with a revocation handle and no data gets a passing check that says it was not checked; the policy can
 * require data. Revocation data speaks for a credential only through the issuer its signer is trusted for.
 */
async function decideRevocation(
  evidence: FormatEvidence,
  trust: TrustDecision,
  ctx: Context,
): Promise<Check | undefined> {
  const required = ctx.options.policy?.requireRevocationData === true;
  const subject = revocationSubject(evidence.revocation, {
    trust: ctx.trust,
    now: ctx.now,
    data: ctx.options.revocation ?? {},
  });
  if (subject.check && trust.signer && trust.issuer !== null) {
    const check = await subject.check({ key: trust.signer, issuer: trust.issuer });
    if (check) return { ...check, name: 'revocation' };
  }
  if (required) {
    return failedCheck(
      'revocation',
      'ERR_STATUS_LIST_MISSING',
      `${subject.handle ?? 'no revocation data covers this credential'}; no revocation data for it was given ` +
        `(lists are never fetched), and the policy requires it`,
    );
  }
  if (subject.handle !== undefined) {
    return {
      name: 'revocation',
      ok: true,
      code: WARN_REVOCATION_NOT_CHECKED,
      message: `not checked: ${subject.handle}, and no revocation data for it was given (lists are never fetched)`,
    };
  }
  return undefined;
}

function sortChecks(checks: Check[]): Check[] {
  return checks
    .map((check, i) => ({ check, i, rank: CHECK_ORDER.indexOf(check.name) }))
    .sort((a, b) => (a.rank === -1 ? 99 : a.rank) - (b.rank === -1 ? 99 : b.rank) || a.i - b.i)
    .map(({ check }) => check);
}

function unknownResult(
  code: string,
  message: string,
  format: VerificationResult['format'] = 'unknown',
  details?: VerificationDetails,
): VerificationResult {
  return {
    format,
    valid: false,
    issuer: null,
    summary: { event: 'other' },
    checks: [failedCheck('decode', code, message)],
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
  };
}

const OPTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  options: ['trust', 'now', 'revocation', 'presentation', 'policy', 'formats', 'limits', 'registry'],
  'options.presentation': ['nonce', 'audience'],
  'options.policy': ['acceptExpiredKeys', 'requireRevocationData'],
  'options.revocation': ['statusLists', 'divoc', 'shc', 'dcc', 'tokenStatusLists'],
  'options.limits': ['maxTextLength', 'maxBytes', 'maxImagePixels', 'maxItems'],
};

/** A misspelt option (`requireRevocation`, `acceptExpired`) must not silently verify with the default. */
function checkKeys(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value)) throw new VerifierOptionsError(`${where} must be an object`);
  const allowed = OPTION_KEYS[where]!;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new VerifierOptionsError(`${where}.${key} is not an option (known: ${allowed.join(', ')})`);
  }
}

function checkOptions(options: VerifyOptions): Context {
  if (!isObject(options)) throw new VerifierOptionsError('verify(input, options): options with a `trust` are required');
  checkKeys(options, 'options');
  checkKeys(options.policy, 'options.policy');
  checkKeys(options.revocation, 'options.revocation');
  checkKeys(options.limits, 'options.limits');
  checkKeys(options.presentation, 'options.presentation');
  for (const name of ['nonce', 'audience'] as const) {
    const value: unknown = options.presentation?.[name];
    if (options.presentation !== undefined && (typeof value !== 'string' || value === '' || value.length > 2048))
      throw new VerifierOptionsError(
        `options.presentation.${name} must be a non-empty string (at most 2048 characters)`,
      );
  }
  if (!(options.trust instanceof Trust))
    throw new VerifierOptionsError('options.trust must be a Trust (new Trust(), then trust.add(...))');
  if (options.now !== undefined && (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())))
    throw new VerifierOptionsError('options.now must be a valid Date');
  if (options.registry !== undefined && !(options.registry instanceof FormatRegistry)) {
    throw new VerifierOptionsError(
      'options.registry must be a FormatRegistry (FORMATS from @divoc/formats, or FORMATS.with(...))',
    );
  }
  const registry = options.registry ?? FORMATS;
  if (options.formats !== undefined) {
    if (!Array.isArray(options.formats))
      throw new VerifierOptionsError('options.formats must be an array of format names');
    const unknown = options.formats.find((f) => registry.find(f)?.name !== f);
    if (unknown !== undefined)
      throw new VerifierOptionsError(
        `options.formats: ${JSON.stringify(unknown)} is not a format (known: ${registry.names.join(', ')})`,
      );
  }
  for (const [name, value] of Object.entries(options.policy ?? {})) {
    if (typeof value !== 'boolean') throw new VerifierOptionsError(`options.policy.${name} must be a boolean`);
  }
  for (const [name, value] of Object.entries(options.revocation ?? {})) {
    if (!Array.isArray(value)) throw new VerifierOptionsError(`options.revocation.${name} must be an array`);
  }
  return { trust: options.trust, now: options.now ?? new Date(), options, registry };
}

/**
 * Verify a health credential in any supported format: W3C VC JSON, `DIVOC1:` compact VC, DIVOC QR (ZIP as binary
 * string or bytes, `B64:`, plain JSON), EU DCC (`HC1:`), SMART Health Card (`shc:/` text, chunks as an array or one
 * per line, JWS, `.smart-health-card` file), ICAO VDS-NC seal, or a PNG / JPEG / SVG image of any of those QR codes
 * (several SHC chunk codes, in one image or several, are reassembled).
 *
 * Every format goes through the same decisions: the format plugin decodes and checks the signature; `decideTrust`
 * says whether a trusted key signed and which issuer it may speak for (the result's `issuer` comes from the trust);
 * `decideRevocation` applies revocation data signed for that issuer; with `options.presentation`, `decidePresentation`
 * requires the holder's key-binding proof for that request.
 *
 * Never throws for bad input: every failure is a check with a stable code, and `valid` is true only when every check
 * passed. Throws `VerifierOptionsError` only for unusable options (no `Trust`, an unknown option key), a programming
 * error.
 */
export async function verify(input: VerifyInput, options: VerifyOptions): Promise<VerificationResult> {
  const ctx = checkOptions(options);
  const limits = { ...DEFAULT_LIMITS, ...(isObject(options.limits) ? options.limits : {}) };
  const prepared = await prepareInput(input, limits, ctx.registry);
  if (isFailure(prepared)) return unknownResult(prepared.code, prepared.message);
  const { plugin } = prepared;
  // A format added through `options.registry` reports its own name.
  const format = plugin.name as VerificationResult['format'];
  if (options.formats !== undefined && !options.formats.includes(format)) {
    const accepted = options.formats.join(', ') || 'none';
    return unknownResult(
      'ERR_FORMAT_DISABLED',
      `input is ${format}, which this verifier does not accept (formats: ${accepted})`,
      format,
      prepared.details,
    );
  }
  let evidence: FormatEvidence;
  let trust: TrustDecision;
  let revocation: Check | undefined;
  try {
    const acceptExpiredKeys = options.policy?.acceptExpiredKeys === true;
    evidence = await plugin.verify(prepared.payload, {
      trust: ctx.trust,
      now: ctx.now,
      acceptExpiredKeys,
      details: prepared.details,
    });
    if (evidence.format !== format) throw new Error(`the ${format} plugin reported ${evidence.format}`);
    // Plugins report no trust or revocation checks; if one did, it is dropped: those decisions are made here only.
    evidence.checks = evidence.checks.filter((c) => c.name !== 'trust' && c.name !== 'revocation');
    const decoded = evidence.checks.some((c) => c.name === 'decode' && c.ok);
    if (!decoded) {
      const details = Object.keys(evidence.details).length > 0 ? { details: evidence.details } : {};
      return {
        ...unknownResult('ERR_VERIFY_FAILED', 'not decoded', format),
        checks: sortChecks(evidence.checks),
        ...details,
      };
    }
    if (options.presentation !== undefined) {
      const binding = decidePresentation(evidence, options.presentation, ctx.now);
      // The format's passing key-usage check stood for the proof it verified; it is replaced by why it does not do.
      if (binding)
        evidence.checks = [
          ...evidence.checks.filter((c) => c.name !== 'key-usage' || !c.ok || evidence.holderBinding === undefined),
          binding,
        ];
    }
    trust = decideTrust(evidence, { now: ctx.now, acceptExpiredKeys, keyUse: plugin.keyUse ?? plugin.name });
    revocation = await decideRevocation(evidence, trust, ctx);
  } catch (error) {
    // Format verifiers report rather than throw; if one does, it is still a failed verification of this input only.
    return unknownResult(stableErrorCode(error, 'ERR_VERIFY_FAILED'), errorMessageOf(error), format, prepared.details);
  }
  const checks = sortChecks([
    ...evidence.checks,
    ...(trust.check ? [trust.check] : []),
    ...(revocation ? [revocation] : []),
  ]);
  const result: VerificationResult = {
    format,
    valid: checks.length > 0 && checks.every((c) => c.ok) && trust.check?.ok === true,
    issuer: trust.issuer,
    summary: evidence.credential !== undefined ? summaryOf(plugin, evidence.credential) : { event: 'other' },
    checks,
  };
  if (evidence.claimedIssuer !== undefined) result.claimedIssuer = evidence.claimedIssuer;
  const warnings: VerificationWarning[] = [...trust.warnings, ...(evidence.warnings ?? [])];
  if (warnings.length > 0) result.warnings = warnings;
  const issuerName = trust.issuer !== null ? ctx.trust.issuerName(trust.issuer) : undefined;
  if (issuerName !== undefined) result.issuerName = issuerName;
  if (evidence.credential !== undefined) result.credential = evidence.credential;
  if (Object.keys(evidence.details).length > 0) result.details = evidence.details;
  return result;
}
