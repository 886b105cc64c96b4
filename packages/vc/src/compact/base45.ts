import { base45Decode as decode, base45Encode } from '@divoc/keys';
import { CompactFormatError } from './errors.js';

export { base45Encode };

const fail = (message: string): Error => new CompactFormatError(message);

/** Strict Base45 (`base45Decode` of `@divoc/keys`), throwing `CompactFormatError`. */
export const base45Decode = (text: string): Uint8Array => decode(text, { fail });
