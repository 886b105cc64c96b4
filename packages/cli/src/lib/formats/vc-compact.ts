import { decodeCompactCredential, detectCompactCredential } from '@divoc/vc';
import type { DecodableFormat, RawInput } from './types.js';

/** Name `divoc` gives the compact W3C VC QR text (`DIVOC1:` + Base45 of the CBOR-compressed signed credential). */
export const VC_COMPACT_FORMAT = 'vc-compact';

function compactText(input: RawInput): string | undefined {
  if (input.chunks || input.text === undefined) return undefined;
  const text = input.text.replace(/^\uFEFF/, '').trim();
  return detectCompactCredential(text) ? text : undefined;
}

/** The compact W3C VC QR text from `@divoc/vc` (`encodeCompactCredential`): the signed VC it holds. */
export const vcCompactFormat: DecodableFormat = {
  format: VC_COMPACT_FORMAT,
  accepts: (input) => compactText(input) !== undefined,
  decode(input) {
    return { payload: decodeCompactCredential(compactText(input) ?? '') };
  },
};
