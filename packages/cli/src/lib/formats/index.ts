import { describeError, errorCode } from '../errors.js';
import type { InputReport } from '../report.js';
import type { RawInput, VerifiableFormat, VerifyContext } from './types.js';
import { w3cVcFormat } from './w3c-vc.js';

export type { RawInput, VerifiableFormat, VerifyContext } from './types.js';

/** Formats tried in order; the first whose probe accepts the input verifies it. */
export const VERIFIABLE_FORMATS: readonly VerifiableFormat[] = [w3cVcFormat];

export function rawInput(name: string, bytes: Uint8Array): RawInput {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  return { name, bytes, text };
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
  return failedDecode(input.name, 'ERR_INPUT_UNRECOGNIZED', `not a recognised credential format (supported: ${formats.map((f) => f.format).join(', ')})`);
}

export function failedDecode(input: string, code: string, message: string): InputReport {
  return { input, format: 'unknown', valid: false, issuer: null, checks: [{ name: 'decode', ok: false, code, message }] };
}
