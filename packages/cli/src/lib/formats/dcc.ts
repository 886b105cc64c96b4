import { decodeDcc, detectDcc } from '@divoc/dcc';
import type { DecodableFormat, RawInput } from './types.js';

/** HC1 text (trimmed: scanners and editors add line ends), or the bytes of a tagged COSE_Sign1 message. */
function dccInput(input: RawInput): string | Uint8Array | undefined {
  if (input.chunks) return undefined;
  if (input.text !== undefined) {
    const text = input.text.replace(/^\uFEFF/, '').trim();
    return text.startsWith('HC1:') && detectDcc(text) ? text : undefined;
  }
  return detectDcc(input.bytes) ? input.bytes : undefined;
}

const seconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000).toISOString());

export const dccFormat: DecodableFormat = {
  format: 'dcc',
  accepts: (input) => dccInput(input) !== undefined,
  decode(input) {
    const decoded = decodeDcc(dccInput(input) ?? '');
    const header: Record<string, unknown> = {};
    const facts: [string, unknown][] = [
      ['kid', decoded.kid],
      ['alg', decoded.alg ?? decoded.algId],
      ['iss', decoded.iss],
      ['iat', seconds(decoded.iat)],
      ['exp', seconds(decoded.exp)],
      ['type', decoded.type],
    ];
    for (const [k, v] of facts) if (v !== undefined) header[k] = v;
    return { payload: decoded.payload, header };
  },
};
