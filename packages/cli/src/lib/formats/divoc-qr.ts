import { decodeDivocQr, detectDivocQr, verifyDivocQr } from '@divoc/qr';
import type { RawInput, VerifiableFormat } from './types.js';

/**
 * What a scanner returns for a DIVOC certificate QR: the ZIP (`certificate.json`) as a binary string, its bytes,
 * `B64:` + base64. The text is passed untrimmed: a ZIP's last bytes may well be whitespace characters.
 */
function divocQrInput(input: RawInput): string | Uint8Array | undefined {
  if (input.chunks) return undefined;
  if (input.text !== undefined) return detectDivocQr(input.text) ? input.text : undefined;
  return detectDivocQr(input.bytes) ? input.bytes : undefined;
}

export const divocQrFormat: VerifiableFormat = {
  format: 'divoc-qr',
  probe(input) {
    const payload = divocQrInput(input);
    if (payload === undefined) return undefined;
    return async (ctx) => {
      const result = await verifyDivocQr(payload, { trustStore: ctx.trustStore, ...(ctx.now ? { now: ctx.now } : {}) });
      return {
        format: 'divoc-qr',
        valid: result.valid,
        issuer: result.issuer ?? null,
        ...(result.suite !== undefined ? { suite: result.suite } : {}),
        ...(result.verificationMethod !== undefined ? { verificationMethod: result.verificationMethod } : {}),
        checks: result.checks,
      };
    };
  },
  decode(input) {
    const decoded = decodeDivocQr(divocQrInput(input) ?? '');
    return { payload: decoded.credential, header: { variant: decoded.variant } };
  },
};
