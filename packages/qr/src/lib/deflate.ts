/**
 * Compression for the package, runtime-neutral (fflate through @divoc/keys): the same code runs in Node and browsers.
 * @divoc/keys takes node:zlib when it is there: native deflate is several times faster.
 */
import {
  InflateTooLargeError,
  deflateRaw as deflateRawBytes,
  deflateZlib as deflateZlibBytes,
  inflateRawBounded as inflateRawWithin,
} from '@divoc/keys';

/** Raw DEFLATE (no zlib header), as ZIP entries use it. */
export function deflateRaw(data: Uint8Array, level = 9): Uint8Array {
  return deflateRawBytes(data, { level });
}

/** zlib-wrapped DEFLATE, as PNG IDAT uses it. */
export function deflateZlib(data: Uint8Array, level = 6): Uint8Array {
  return deflateZlibBytes(data, { level });
}

/**
 * zlib stream of PNG scanlines in which repeated rows are already "Up"-filtered to zeros: run-length matching
 * (Z_RLE, `strategy: 'rle'` of @divoc/keys) catches those zero rows and the long light runs, at a fraction of the cost
 * of full matching. Node's native zlib when available, otherwise fflate at `level`.
 */
export function deflateImageData(data: Uint8Array, level = 6): Uint8Array {
  return deflateZlibBytes(data, { level, strategy: 'rle' });
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
