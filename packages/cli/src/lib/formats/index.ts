import { describeError, errorCode } from '../errors.js';
import { dccFormat } from './dcc.js';
import { divocQrFormat } from './divoc-qr.js';
import { shcFormat } from './shc.js';
import type { DecodableFormat, DecodedPayload, RawInput } from './types.js';
import { vcCompactFormat } from './vc-compact.js';
import { vdsncFormat } from './vdsnc.js';
import { w3cVcFormat } from './w3c-vc.js';

export type { DecodableFormat, DecodedPayload, RawInput } from './types.js';
export { VC_COMPACT_FORMAT } from './vc-compact.js';

/**
 * Formats `divoc decode` tries, in order; the first that accepts the input decodes it. JSON formats first (a DIVOC
 * certificate as plain JSON is a W3C VC), then the QR texts, each recognised by its prefix. (`divoc verify` does
 * not use this list: `@divoc/verifier` detects and verifies.)
 */
export const DECODABLE_FORMATS: readonly DecodableFormat[] = [w3cVcFormat, vdsncFormat, shcFormat, dccFormat, vcCompactFormat, divocQrFormat];

export function rawInput(name: string, bytes: Uint8Array): RawInput {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  return { name, bytes, text };
}

/** What `divoc decode` prints for one input. */
export type DecodeReport =
  | ({ input: string; format: string; ok: true } & DecodedPayload)
  | { input: string; format: string; ok: false; error: { code: string; message: string } };

/** Decodes without verifying: the first format that accepts the input decodes it. Never throws. */
export function decodeInput(input: RawInput, formats: readonly DecodableFormat[] = DECODABLE_FORMATS): DecodeReport {
  for (const format of formats) {
    if (!format.accepts(input)) continue;
    try {
      return { input: input.name, format: format.format, ok: true, ...format.decode(input) };
    } catch (error) {
      return { input: input.name, format: format.format, ok: false, error: { code: errorCode(error) ?? 'ERR_DECODE_FAILED', message: describeError(error) } };
    }
  }
  return {
    input: input.name,
    format: 'unknown',
    ok: false,
    error: { code: 'ERR_INPUT_UNRECOGNIZED', message: `not a recognised credential format (supported: ${formats.map((f) => f.format).join(', ')})` },
  };
}
