import { isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import type { DecodableFormat, RawInput } from './types.js';

/** A W3C Verifiable Credential as JSON(-LD): an object with `@context` and a `type` naming VerifiableCredential. */
export const w3cVcFormat: DecodableFormat = {
  format: 'w3c-vc',
  accepts: (input) => vcJson(input) !== undefined,
  decode(input) {
    const read = vcJson(input);
    if (read && 'refused' in read) throw read.refused;
    return { payload: read?.json };
  },
};

/**
 * The credential, read strictly. A VC whose JSON names a member twice or has a `__proto__` / `constructor` /
 * `prototype` member is still recognised (so `decode` reports ERR_JSON_DUPLICATE_KEY / ERR_JSON_FORBIDDEN_KEY),
 * never read.
 */
function vcJson(input: RawInput): { json: Record<string, unknown> } | { refused: Error } | undefined {
  if (input.chunks) return undefined;
  const text = input.text?.replace(/^\uFEFF/, '').trim();
  if (!text?.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = parseJsonStrict(text);
  } catch (error) {
    if (!isUnsafeJsonError(error)) return undefined;
    // Only to tell which format the refused text claims to be.
    let lenient: unknown;
    try {
      lenient = JSON.parse(text);
    } catch {
      return undefined;
    }
    return looksLikeVc(lenient) ? { refused: error } : undefined;
  }
  return looksLikeVc(json) ? { json: json as Record<string, unknown> } : undefined;
}

function looksLikeVc(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const obj = json as Record<string, unknown>;
  if (!('@context' in obj)) return false;
  const type = obj.type;
  const types = Array.isArray(type) ? type : [type];
  return types.includes('VerifiableCredential');
}
