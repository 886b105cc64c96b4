import type { VerificationResult } from './types.js';

/** Options of `toJsonReport`. */
export interface JsonReportOptions {
  /** Include the decoded credential (large; personal data). Default false. */
  includeCredential?: boolean;
}

/**
 * The result as one JSON-ready object, in the shape of `divoc verify --json`: `input` (when named), `format`, `valid`,
 * `issuer`, `suite` and `verificationMethod` (when known), `checks` (`{ name, ok, code?, message? }`), then the extras
 * `claimedIssuer`, `warnings` (`{ code, message, fields? }`), `issuerName`, `summary`, `details` and, on request,
 * `credential`. Stable key order; no Dates or bytes.
 */
export function toJsonReport(
  result: VerificationResult,
  inputName?: string,
  options: JsonReportOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (inputName !== undefined) out.input = inputName;
  out.format = result.format;
  out.valid = result.valid;
  out.issuer = result.issuer;
  const { suite, verificationMethod, ...details } = result.details ?? {};
  if (suite !== undefined) out.suite = suite;
  if (verificationMethod !== undefined) out.verificationMethod = verificationMethod;
  out.checks = result.checks.map((c) => {
    const check: Record<string, unknown> = { name: c.name, ok: c.ok };
    if (c.code !== undefined) check.code = c.code;
    if (c.message !== undefined) check.message = c.message;
    return check;
  });
  if (result.claimedIssuer !== undefined) out.claimedIssuer = result.claimedIssuer;
  if (result.warnings !== undefined && result.warnings.length > 0) {
    out.warnings = result.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.fields !== undefined ? { fields: [...w.fields] } : {}),
    }));
  }
  if (result.issuerName !== undefined) out.issuerName = result.issuerName;
  out.summary = { ...result.summary };
  const { jws: _jws, ...shown } = details;
  if (Object.keys(shown).length > 0) out.details = shown;
  if (options.includeCredential && result.credential !== undefined) out.credential = result.credential;
  return out;
}
