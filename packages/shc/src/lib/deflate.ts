import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ShcInflateError } from './errors.js';
import { LIMITS } from './limits.js';

// Node-only: the browser build (later) swaps this file for a streaming inflate with the same byte budget.

/** Raw DEFLATE (RFC 1951, no zlib/gzip header), as the spec requires for `zip: "DEF"`. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  const out = deflateRawSync(data, { level: 9 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Bounded raw inflate: the output may not exceed `maxInflatedBytes`, nor `maxInflateRatio` times the input
 * (beyond a small floor). zlib stops as soon as the budget is spent, so a bomb costs at most the budget.
 */
export function inflateRawBounded(data: Uint8Array): Uint8Array {
  const budget = Math.min(LIMITS.maxInflatedBytes, Math.max(LIMITS.inflateFloorBytes, data.byteLength * LIMITS.maxInflateRatio));
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: budget });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ShcInflateError(`payload inflates beyond ${budget} bytes (decompression bomb?)`, { cause: err });
    }
    throw new ShcInflateError('payload is not raw DEFLATE data', { cause: err });
  }
  if (out.byteLength === 0) throw new ShcInflateError('payload inflates to nothing');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
