import { bindIssuer, isTrustedKeyValidAt, trustedKeyIssuers, type Check, type TrustedKey } from '@divoc/keys';
import type { FormatEvidence } from '@divoc/schemas';
import type { PresentationExpectation, VerificationWarning } from '../types.js';

/**
 * Every trust decision `verify` makes, for every format, in one place: which trusted key signed, whether it was
 * valid when it signed and is now, and whether the issuer the credential claims is one the key speaks for. The issuer
 * a result names comes from here (the trust), never from the credential alone.
 */

export interface TrustPolicy {
  now: Date;
  /** Accept a key outside its window now (historical checks). Never a key that was outside it when it signed. */
  acceptExpiredKeys: boolean;
  /** The key use the credential's format needs (its plugin's `keyUse`; default: the format's name). */
  keyUse?: string;
}

export interface TrustDecision {
  /** The `trust` check; absent only when the signature check already failed and the format had nothing to add. */
  check?: Check;
  /** The issuer the result names: the claim when the key is bound to it, else the trust's identity for the key. */
  issuer: string | null;
  /** The key that signed, when it is trusted for this credential. */
  signer?: TrustedKey;
  warnings: VerificationWarning[];
}

/** Code of the warning that the claimed issuer could not be checked against the trust. */
export const WARN_ISSUER_UNBOUND = 'WARN_TRUST_ISSUER_UNBOUND';
/** Code of the `trust` failure when the credential names an issuer its key is not trusted for. */
export const ERR_ISSUER_MISMATCH = 'ERR_TRUST_ISSUER_MISMATCH';
/** Code of the `trust` failure when a format reported a verified signature but no trusted key (fail closed). */
export const ERR_NO_TRUSTED_SIGNER = 'ERR_TRUST_NO_SIGNER';
/** Code of the `trust` failure when the trust lists the key for other formats only (a DID trust list's key use). */
export const ERR_KEY_USE = 'ERR_TRUST_KEY_USE';
/** Code of the `key-usage` failure when a presentation request was answered without a holder key-binding proof. */
export const ERR_PRESENTATION_BINDING_MISSING = 'ERR_PRESENTATION_BINDING_MISSING';
/** Code of the `key-usage` failure when the holder's proof was made for another nonce (another request). */
export const ERR_PRESENTATION_NONCE_MISMATCH = 'ERR_PRESENTATION_NONCE_MISMATCH';
/** Code of the `key-usage` failure when the holder's proof was made for another verifier (audience). */
export const ERR_PRESENTATION_AUDIENCE_MISMATCH = 'ERR_PRESENTATION_AUDIENCE_MISMATCH';
/** Code of the `key-usage` failure when the holder's proof is older than `PRESENTATION_MAX_AGE_SECONDS`, or future. */
export const ERR_PRESENTATION_NOT_FRESH = 'ERR_PRESENTATION_NOT_FRESH';

/**
 * The key's uses (`format:*` purposes a trust source gave it) when they do not include `keyUse`, the use the
 * credential's format needs (its plugin's `keyUse`); undefined when the key may sign it. A key with no `format:*`
 * purpose is not restricted.
 */
function keyUseConflict(key: TrustedKey, keyUse: string): string[] | undefined {
  const uses = (key.purposes ?? []).filter((p) => p.startsWith('format:'));
  if (uses.length === 0) return undefined;
  return uses.includes(`format:${keyUse}`) ? undefined : uses;
}

const window = (key: TrustedKey): string =>
  `${key.validFrom ? key.validFrom.toISOString() : '…'} to ${key.validUntil ? key.validUntil.toISOString() : '…'}`;
const quote = (value: string): string => JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);

function failed(code: string, message: string): Check {
  return { name: 'trust', ok: false, code, message };
}

export function decideTrust(evidence: FormatEvidence, policy: TrustPolicy): TrustDecision {
  const warnings: VerificationWarning[] = [];
  const key = evidence.signer;
  const signatureOk = evidence.checks.some((c) => c.name === 'signature' && c.ok);
  if (!key || !signatureOk) {
    if (evidence.trustFailure) return { check: { ...evidence.trustFailure, name: 'trust' }, issuer: null, warnings };
    // A failed signature already makes the result invalid and says why; a format that reported no signature at all
    // (or a verified one without the key) gets a trust failure: no path reaches VALID without a trusted signer.
    if (evidence.checks.some((c) => c.name === 'signature' && !c.ok)) return { issuer: null, warnings };
    return {
      check: failed(
        ERR_NO_TRUSTED_SIGNER,
        'no trusted key verified the signature, so nothing can be said about who issued this credential',
      ),
      issuer: null,
      warnings,
    };
  }
  const keyUse = policy.keyUse ?? evidence.format;
  const uses = keyUseConflict(key, keyUse);
  if (uses) {
    return {
      check: failed(
        ERR_KEY_USE,
        `key ${key.id} is listed for ${uses.map((u) => u.slice('format:'.length)).join(', ')} only, so it does ` +
          `not verify ${quote(evidence.format)} credentials (they need format:${keyUse})`,
      ),
      issuer: null,
      warnings,
    };
  }
  const binding = bindIssuer(trustedKeyIssuers(key), evidence.claimedIssuer);
  if (binding.status === 'mismatch') {
    return {
      check: failed(
        ERR_ISSUER_MISMATCH,
        `the credential names issuer ${quote(binding.claim ?? '')}, but it was signed by key ${key.id}, which ` +
          `is trusted for ${binding.identities.join(', ')} only. ` +
          'If that key really signs for this issuer, bind it in the trust: an "issuer" on its trust-list ' +
          'entry, or --trust ISSUER=FILE',
      ),
      issuer: binding.issuer,
      warnings,
    };
  }
  if (evidence.trustFailure)
    return { check: { ...evidence.trustFailure, name: 'trust' }, issuer: binding.issuer, warnings };
  if (evidence.signedAt !== undefined && !isTrustedKeyValidAt(key, evidence.signedAt)) {
    // Never relaxed by policy: a key used outside its window at signing time signed something it was not trusted for.
    return {
      check: failed(
        evidence.keyExpiredCode,
        `key ${key.id} is valid ${window(key)}, and the credential says it was ` +
          `signed ${evidence.signedAt.toISOString()}`,
      ),
      issuer: binding.issuer,
      warnings,
    };
  }
  // A format that reports key windows in its own validity check keeps doing so; the failure is not repeated here.
  const reported = evidence.checks.some((c) => !c.ok && c.code === evidence.keyExpiredCode);
  const validNow = isTrustedKeyValidAt(key, policy.now);
  if (!validNow && !policy.acceptExpiredKeys && !reported) {
    return {
      check: failed(
        evidence.keyExpiredCode,
        `key ${key.id} is valid ${window(key)}, not at ${policy.now.toISOString()} (the acceptExpiredKeys ` +
          `policy, --allow-expired-keys, allows historical checks)`,
      ),
      issuer: binding.issuer,
      warnings,
    };
  }
  const notes: string[] = [`signed by ${key.id}, trusted for ${binding.identities.join(', ')}`];
  if (!validNow && policy.acceptExpiredKeys)
    notes.push(`key valid ${window(key)}, accepted by policy (acceptExpiredKeys)`);
  if (binding.status === 'unbound') {
    warnings.push({
      code: WARN_ISSUER_UNBOUND,
      message:
        `the credential names issuer ${quote(binding.claim ?? '')}, which the trust does not bind to ` +
        `key ${key.id} (it knows the key as ${binding.identities.join(', ')}); shown as ${binding.issuer}`,
    });
  }
  return {
    check: { name: 'trust', ok: true, message: notes.join('; ') },
    issuer: binding.issuer,
    signer: key,
    warnings,
  };
}

/** Oldest holder key-binding proof `verify` accepts for a presentation request, in seconds before the clock. */
export const PRESENTATION_MAX_AGE_SECONDS = 300;
/** How far ahead of the verifier's clock a holder's proof may be dated (the holder's clock may run fast). */
export const PRESENTATION_CLOCK_SKEW_SECONDS = 60;

/**
 * The presentation decision, for `verify`'s `presentation` option: the holder's key-binding proof (which the format
 * verified against the credential's holder key) must be there and be made for this request's nonce and audience, and
 * recently. Returns the failed `key-usage` check, or undefined when the binding holds (or the format already failed
 * it: its own failure says why).
 */
export function decidePresentation(
  evidence: FormatEvidence,
  expected: PresentationExpectation,
  now: Date,
): Check | undefined {
  const fail = (code: string, message: string): Check => ({ name: 'key-usage', ok: false, code, message });
  if (evidence.checks.some((c) => c.name === 'key-usage' && !c.ok)) return undefined;
  const binding = evidence.holderBinding;
  if (binding === undefined) {
    return fail(
      ERR_PRESENTATION_BINDING_MISSING,
      evidence.format === 'sd-jwt-vc'
        ? 'the presentation has no key-binding JWT, and this presentation request needs the holder to prove its key'
        : `a ${evidence.format} credential carries no holder key binding, so it cannot answer a presentation request`,
    );
  }
  if (binding.nonce !== expected.nonce)
    return fail(ERR_PRESENTATION_NONCE_MISMATCH, "the holder's proof is not for this request's nonce");
  if (binding.audience !== expected.audience)
    return fail(
      ERR_PRESENTATION_AUDIENCE_MISMATCH,
      `the holder's proof names another audience than ${quote(expected.audience)}`,
    );
  const age = (now.getTime() - binding.issuedAt.getTime()) / 1000;
  // A wallet's clock may run a little ahead: up to PRESENTATION_CLOCK_SKEW_SECONDS in the future is accepted.
  if (!(age >= -PRESENTATION_CLOCK_SKEW_SECONDS && age <= PRESENTATION_MAX_AGE_SECONDS)) {
    return fail(
      ERR_PRESENTATION_NOT_FRESH,
      `the holder's proof was made ${binding.issuedAt.toISOString()}, not within ${PRESENTATION_MAX_AGE_SECONDS} s ` +
        `before ${now.toISOString()} (or ${PRESENTATION_CLOCK_SKEW_SECONDS} s after)`,
    );
  }
  return undefined;
}
