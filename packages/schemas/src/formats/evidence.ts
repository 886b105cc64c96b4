import type { Check, CheckName } from '@divoc/keys';
import type { FormatEvidence, VerificationDetails } from './plugin.js';

/** Helpers a format's `verify` uses to report evidence in the shape every other format does. */

export const passedCheck = (name: CheckName, message?: string): Check =>
  message === undefined ? { name, ok: true } : { name, ok: true, message };

/** A failed check with its name, code and message. */
export const failedCheck = (name: CheckName, code: string, message: string): Check => ({
  name,
  ok: false,
  code,
  message,
});

/** A stable `ERR_…` code from an error, or the fallback. */
export function stableErrorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]+$/.test(code) ? code : fallback;
}

/** The message of a thrown value (an `Error`'s `message`, else its string form). */
export const errorMessageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A format package's own failed `trust` check: why no trusted signer was found, or its objection to the key. */
export function trustFailureOf(checks: readonly Check[]): Check | undefined {
  const trust = checks.find((c) => c.name === 'trust');
  return trust && !trust.ok ? trust : undefined;
}

/**
 * Evidence from a format package's own verification result: its checks without `trust` (the verifier decides that),
 * its objection to the key kept as `trustFailure`.
 */
export function evidenceFrom(
  format: string,
  checks: readonly Check[],
  details: VerificationDetails,
  keyExpiredCode: string,
): FormatEvidence {
  const evidence: FormatEvidence = {
    format,
    checks: checks.filter((c) => c.name !== 'trust'),
    details: { ...details },
    keyExpiredCode,
    revocation: [],
  };
  const trustFailure = trustFailureOf(checks);
  if (trustFailure) evidence.trustFailure = trustFailure;
  return evidence;
}

/** Evidence for a payload that does not decode: one failed `decode` check. */
export function undecodableEvidence(
  format: string,
  details: VerificationDetails,
  keyExpiredCode: string,
  error: unknown,
  fallbackCode: string,
): FormatEvidence {
  return {
    format,
    details,
    checks: [failedCheck('decode', stableErrorCode(error, fallbackCode), errorMessageOf(error))],
    keyExpiredCode,
    revocation: [],
  };
}
