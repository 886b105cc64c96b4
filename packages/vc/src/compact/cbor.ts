import { CborInvalidError, decodeCborStrict, type CborValue } from '@divoc/keys';
import { CompactPayloadError } from './errors.js';

/**
 * The compact format's CBOR: the strict subset and value model of `@divoc/keys` (`decodeCborStrict`), its refusals
 * reported in this format's words (`CompactPayloadError`).
 */
export { CborFloat, CborMap, CborTag, encodeCborValue as encodeCbor } from '@divoc/keys';
export type { CborValue } from '@divoc/keys';

/** Decodes exactly one CBOR item spanning all of `bytes`. Throws `CompactPayloadError`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  try {
    return decodeCborStrict(bytes);
  } catch (error) {
    if (error instanceof CborInvalidError) throw new CompactPayloadError(error.message);
    throw error;
  }
}
