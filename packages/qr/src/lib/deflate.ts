/**
 * Compression for the package, runtime-neutral (fflate through @divoc/keys): the same code runs in Node and browsers.
 */
import { InflateTooLargeError, deflateRaw as deflateRawBytes, deflateZlib as deflateZlibBytes, inflateRawBounded as inflateRawWithin } from '@divoc/keys';

/** Raw DEFLATE (no zlib header), as ZIP entries use it. */
export function deflateRaw(data: Uint8Array, level = 9): Uint8Array {
  return deflateRawBytes(data, { level });
}

/** zlib-wrapped DEFLATE, as PNG IDAT uses it. */
export function deflateZlib(data: Uint8Array, level = 6): Uint8Array {
  return deflateZlibBytes(data, { level });
}

/**
 * Raw INFLATE that never produces more than `maxOutputLength` bytes: the streaming inflater stops at the budget
 * instead of allocating past it. Returns `'too-large'` in that case, throws for a corrupt stream.
 */
export function inflateRawBounded(data: Uint8Array, maxOutputLength: number): Uint8Array | 'too-large' {
  try {
    return inflateRawWithin(data, { maxOutput: Math.max(1, maxOutputLength) });
  } catch (error) {
    if (error instanceof InflateTooLargeError) return 'too-large';
    throw error;
  }
}
