import { verifyCredential } from '@divoc/vc';
import type { VerifiableFormat } from './types.js';

/** A W3C Verifiable Credential as JSON(-LD): an object with `@context` and a `type` naming VerifiableCredential. */
export const w3cVcFormat: VerifiableFormat = {
  format: 'w3c-vc',
  probe(input) {
    const text = input.text?.replace(/^\uFEFF/, '').trim();
    if (!text?.startsWith('{')) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!looksLikeVc(json)) return undefined;
    return async (ctx) => {
      const result = await verifyCredential(json, { trustStore: ctx.trustStore, ...(ctx.now ? { now: ctx.now } : {}) });
      return {
        format: result.format ?? 'w3c-vc',
        valid: result.valid,
        issuer: result.issuer ?? null,
        ...(result.suite !== undefined ? { suite: result.suite } : {}),
        ...(result.verificationMethod !== undefined ? { verificationMethod: result.verificationMethod } : {}),
        checks: result.checks,
      };
    };
  },
};

function looksLikeVc(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const obj = json as Record<string, unknown>;
  if (!('@context' in obj)) return false;
  const type = obj.type;
  const types = Array.isArray(type) ? type : [type];
  return types.includes('VerifiableCredential');
}
