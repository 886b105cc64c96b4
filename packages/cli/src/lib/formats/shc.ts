import { decodeShc, detectShc, type ShcInput } from '@divoc/shc';
import type { DecodableFormat, RawInput } from './types.js';

/**
 * A SMART Health Card: chunk texts gathered from several INPUTs, a `shc:/` text (a file with one chunk per line
 * is a chunk set), a compact JWS, or a `.smart-health-card` file.
 */
function shcInput(input: RawInput): ShcInput | undefined {
  if (input.chunks) return input.chunks.every((c) => c.startsWith('shc:/')) ? input.chunks : undefined;
  if (input.text === undefined) return undefined;
  const text = input.text.replace(/^\uFEFF/, '').trim();
  if (!detectShc(text)) return undefined;
  if (text.startsWith('shc:/')) {
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    return lines.length > 1 ? lines : text;
  }
  return text;
}

export const shcFormat: DecodableFormat = {
  format: 'shc',
  accepts: (input) => shcInput(input) !== undefined,
  decode(input) {
    const decoded = decodeShc(shcInput(input) ?? '');
    return { payload: decoded.payload, header: { ...decoded.header } };
  },
};
