import {
  InflateTooLargeError,
  deflateRaw as deflateRawBytes,
  inflateRawBounded as inflateRawWithin,
} from '@divoc/keys';
import { ShcInflateError } from './errors.js';
import { LIMITS } from './limits.js';

// Runtime-neutral (fflate through @divoc/keys): the same code runs in Node and browsers.

/** Raw DEFLATE (RFC 1951, no zlib/gzip header), as the spec requires for `zip: "DEF"`. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  return deflateRawBytes(data, { level: 9 });
}

/**
 * Bounded raw inflate: the output may not exceed `maxInflatedBytes`, nor `maxInflateRatio` times the input
 * (beyond a small floor). The streaming inflater stops as soon as the budget is spent, so a bomb costs at most the
 * budget.
 */
export function inflateRawBounded(data: Uint8Array): Uint8Array {
  const budget = Math.min(
    LIMITS.maxInflatedBytes,
    Math.max(LIMITS.inflateFloorBytes, data.byteLength * LIMITS.maxInflateRatio),
  );
  let out: Uint8Array;
  try {
    out = inflateRawWithin(data, { maxOutput: budget });
  } catch (err) {
    if (err instanceof InflateTooLargeError) {
      throw new ShcInflateError(`payload inflates beyond ${budget} bytes (decompression bomb?)`, { cause: err });
    }
    throw new ShcInflateError('payload is not raw DEFLATE data', { cause: err });
  }
  if (out.byteLength === 0) throw new ShcInflateError('payload inflates to nothing');
  return out;
}
