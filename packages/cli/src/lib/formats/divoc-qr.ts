import { decodeDivocQr, detectDivocQr } from '@divoc/qr';
import type { DecodableFormat, RawInput } from './types.js';

/**
 * What a scanner returns for a DIVOC certificate QR: the ZIP (`certificate.json`) as a binary string, its bytes,
 * `B64:` + base64. The text is passed untrimmed: a ZIP's last bytes may well be whitespace characters.
 */
function divocQrInput(input: RawInput): string | Uint8Array | undefined {
  if (input.chunks) return undefined;
  if (input.text !== undefined) return detectDivocQr(input.text) ? input.text : undefined;
  return detectDivocQr(input.bytes) ? input.bytes : undefined;
}

export const divocQrFormat: DecodableFormat = {
  format: 'divoc-qr',
  accepts: (input) => divocQrInput(input) !== undefined,
  decode(input) {
    const decoded = decodeDivocQr(divocQrInput(input) ?? '');
    return { payload: decoded.credential, header: { variant: decoded.variant } };
  },
};
