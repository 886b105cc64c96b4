import { describeError, errorCode } from '../errors.js';
import type { InputReport } from '../report.js';
import { dccFormat } from './dcc.js';
import { divocQrFormat } from './divoc-qr.js';
import { shcFormat } from './shc.js';
import type { DecodedPayload, RawInput, VerifiableFormat, VerifyContext } from './types.js';
import { vcCompactFormat } from './vc-compact.js';
import { vdsncFormat } from './vdsnc.js';
import { w3cVcFormat } from './w3c-vc.js';

export type { DecodedPayload, RawInput, VerifiableFormat, VerifyContext } from './types.js';
export { VC_COMPACT_FORMAT } from './vc-compact.js';

/**
 * Formats tried in order; the first whose probe accepts the input verifies it. JSON formats first (a DIVOC
 * certificate as plain JSON is a W3C VC), then the QR texts, each recognised by its prefix.
 */
export const VERIFIABLE_FORMATS: readonly VerifiableFormat[] = [w3cVcFormat, vdsncFormat, shcFormat, dccFormat, vcCompactFormat, divocQrFormat];

export function rawInput(name: string, bytes: Uint8Array): RawInput {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  return { name, bytes, text };
}

function unrecognized(input: RawInput, formats: readonly VerifiableFormat[]): InputReport {
  return failedDecode(input.name, 'ERR_INPUT_UNRECOGNIZED', `not a recognised credential format (supported: ${formats.map((f) => f.format).join(', ')})`);
}

export async function verifyInput(input: RawInput, ctx: VerifyContext, formats: readonly VerifiableFormat[] = VERIFIABLE_FORMATS): Promise<InputReport> {
  for (const format of formats) {
    const verify = format.probe(input);
    if (verify === undefined) continue;
    try {
      return { input: input.name, ...(await verify(ctx)) };
    } catch (error) {
      // A verifier must report, not throw; if one does, it is still a failed verification of this input only.
      return {
        input: input.name,
        format: format.format,
        valid: false,
        issuer: null,
        checks: [{ name: 'decode', ok: false, code: errorCode(error) ?? 'ERR_VERIFY_FAILED', message: describeError(error) }],
      };
    }
  }
  return unrecognized(input, formats);
}

/** What `divoc decode` prints for one input. */
export type DecodeReport =
  | ({ input: string; format: string; ok: true } & DecodedPayload)
  | { input: string; format: string; ok: false; error: { code: string; message: string } };

/** Decodes without verifying: the first format whose probe accepts the input decodes it. Never throws. */
export function decodeInput(input: RawInput, formats: readonly VerifiableFormat[] = VERIFIABLE_FORMATS): DecodeReport {
  for (const format of formats) {
    if (format.decode === undefined || format.probe(input) === undefined) continue;
    try {
      return { input: input.name, format: format.format, ok: true, ...format.decode(input) };
    } catch (error) {
      return { input: input.name, format: format.format, ok: false, error: { code: errorCode(error) ?? 'ERR_DECODE_FAILED', message: describeError(error) } };
    }
  }
  const report = unrecognized(input, formats);
  return { input: input.name, format: 'unknown', ok: false, error: { code: 'ERR_INPUT_UNRECOGNIZED', message: report.checks[0]?.message ?? '' } };
}

export function failedDecode(input: string, code: string, message: string): InputReport {
  return { input, format: 'unknown', valid: false, issuer: null, checks: [{ name: 'decode', ok: false, code, message }] };
}
