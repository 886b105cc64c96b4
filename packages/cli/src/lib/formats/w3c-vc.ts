import type { DecodableFormat, RawInput } from './types.js';

/** A W3C Verifiable Credential as JSON(-LD): an object with `@context` and a `type` naming VerifiableCredential. */
export const w3cVcFormat: DecodableFormat = {
  format: 'w3c-vc',
  accepts: (input) => vcJson(input) !== undefined,
  decode(input) {
    return { payload: vcJson(input) };
  },
};

function vcJson(input: RawInput): Record<string, unknown> | undefined {
  if (input.chunks) return undefined;
  const text = input.text?.replace(/^\uFEFF/, '').trim();
  if (!text?.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  return looksLikeVc(json) ? (json as Record<string, unknown>) : undefined;
}

function looksLikeVc(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const obj = json as Record<string, unknown>;
  if (!('@context' in obj)) return false;
  const type = obj.type;
  const types = Array.isArray(type) ? type : [type];
  return types.includes('VerifiableCredential');
}
