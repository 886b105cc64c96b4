import { FormatIssueError } from '@divoc/schemas';
import { IssuerFormatError, type FormatFailureCode, type FormatName } from './errors.js';

const BY_CAUSE: Record<string, FormatFailureCode> = {
  ERR_SHC_CREDENTIAL_UNSUPPORTED: 'ERR_ISSUER_VALUE_UNMAPPABLE',
  ERR_QR_DATA_TOO_LONG: 'ERR_ISSUER_QR_TOO_LARGE',
  ERR_COMPACT_TOO_LARGE: 'ERR_ISSUER_QR_TOO_LARGE',
};

/** Any error thrown while producing `format`, as an `IssuerFormatError` (kept as is when it already is one). */
export function toFormatError(format: FormatName, error: unknown): IssuerFormatError {
  if (error instanceof IssuerFormatError) return error;
  // A format's own refusal keeps its code: it is one of ours (a missing key, a value the format cannot express).
  if (error instanceof FormatIssueError)
    return new IssuerFormatError(format, error.code, error.reason, { cause: error });
  const causeCode =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const code = (causeCode !== undefined ? BY_CAUSE[causeCode] : undefined) ?? 'ERR_ISSUER_FORMAT_FAILED';
  return new IssuerFormatError(format, code, message, {
    cause: error,
    ...(causeCode !== undefined ? { causeCode } : {}),
  });
}
