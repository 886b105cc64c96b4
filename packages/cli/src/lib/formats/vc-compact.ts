import { decodeCompactCredential, detectCompactCredential, isCompactCredentialError, verifyCredential } from '@divoc/vc';
import type { RawInput, VerifiableFormat } from './types.js';

/** Name `divoc` gives the compact W3C VC QR text (`DIVOC1:` + Base45 of the CBOR-compressed signed credential). */
export const VC_COMPACT_FORMAT = 'vc-compact';

function compactText(input: RawInput): string | undefined {
  if (input.chunks || input.text === undefined) return undefined;
  const text = input.text.replace(/^\uFEFF/, '').trim();
  return detectCompactCredential(text) ? text : undefined;
}

/** The compact W3C VC QR text from `@divoc/vc` (`encodeCompactCredential`): decoded, then verified as the VC it holds. */
export const vcCompactFormat: VerifiableFormat = {
  format: VC_COMPACT_FORMAT,
  probe(input) {
    const text = compactText(input);
    if (text === undefined) return undefined;
    return async (ctx) => {
      let credential;
      try {
        credential = decodeCompactCredential(text);
      } catch (error) {
        const code = isCompactCredentialError(error) ? error.code : 'ERR_COMPACT_FORMAT';
        return { format: VC_COMPACT_FORMAT, valid: false, issuer: null, checks: [{ name: 'decode', ok: false, code, message: (error as Error).message }] };
      }
      const result = await verifyCredential(credential, { trustStore: ctx.trustStore, ...(ctx.now ? { now: ctx.now } : {}) });
      return {
        format: VC_COMPACT_FORMAT,
        valid: result.valid,
        issuer: result.issuer ?? null,
        ...(result.suite !== undefined ? { suite: result.suite } : {}),
        ...(result.verificationMethod !== undefined ? { verificationMethod: result.verificationMethod } : {}),
        checks: result.checks,
      };
    };
  },
  decode(input) {
    return { payload: decodeCompactCredential(compactText(input) ?? '') };
  },
};
